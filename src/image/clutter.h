// Room-like backgrounds for training crops (issue 10's sim-to-real levers). Our renders show the
// object on a plain backdrop, while a photo's crop shows walls, floors, shelves and other
// furniture around it; training on crops whose backdrop is replaced by this procedural clutter
// keeps the network from learning that everything off the object is flat. Deterministic for a
// given Rng state; no photos are involved.
#pragma once

#include "core/rng.h"
#include "image/image.h"

namespace img2cad::image {

// A width x height RGB picture of a room corner: a wall over a floor (the horizon anywhere in the
// lower two thirds, or no floor at all), shaded by a soft light gradient, with up to six
// rectangles (other furniture, doors, pictures, windows; some striped like books on a shelf or
// planks), up to three thin bars (legs, poles, frames), sensor noise and a slight defocus.
// Requires width, height > 0.
Image RoomClutter(int width, int height, core::Rng& rng);

// `front` over `back` where `mask` says: each pixel is front * a + back * (1 - a) with
// a = mask / 255. All three must have the same size; front and back RGB, mask 1 channel (CHECKed).
Image CompositeOver(const Image& front, const Image& mask, const Image& back);

// The object of `rgb` where `mask` says, pasted over a RoomClutter of the same size drawn from
// `rng`: how a training picture gets a room behind it. The mask edge is softened by a pixel
// (GaussianBlur 0.7) so the pasted object has no cut-out outline. Requirements as CompositeOver.
Image OverRoom(const Image& rgb, const Image& mask, core::Rng& rng);

}  // namespace img2cad::image
