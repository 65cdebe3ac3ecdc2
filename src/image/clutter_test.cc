#include "image/clutter.h"

#include <gtest/gtest.h>

#include <set>

namespace img2cad::image {
namespace {

TEST(ClutterTest, SameSeedSameRoomAndTheSizeAsked) {
  core::Rng a(7), b(7);
  const Image x = RoomClutter(40, 30, a), y = RoomClutter(40, 30, b);
  EXPECT_EQ(x.width, 40);
  EXPECT_EQ(x.height, 30);
  EXPECT_EQ(x.channels, 3);
  EXPECT_EQ(x.pixels, y.pixels);
}

TEST(ClutterTest, RoomsVaryAndAreNotFlat) {
  core::Rng rng(1);
  std::set<std::vector<uint8_t>> rooms;
  int textured = 0;
  for (int i = 0; i < 20; ++i) {
    const Image room = RoomClutter(32, 32, rng);
    rooms.insert(room.pixels);
    std::set<int> levels;
    for (uint8_t p : room.pixels) levels.insert(p / 16);
    if (levels.size() >= 3) ++textured;
  }
  EXPECT_EQ(rooms.size(), 20u);
  EXPECT_GE(textured, 15);
}

TEST(ClutterTest, CompositeTakesFrontWhereMaskIsFullAndBackWhereEmpty) {
  Image front(4, 1, 3, 200), back(4, 1, 3, 10), mask(4, 1, 1, 0);
  mask.at(0, 0, 0) = 255;
  mask.at(1, 0, 0) = 128;
  const Image out = CompositeOver(front, mask, back);
  EXPECT_EQ(out.at(0, 0, 0), 200);
  EXPECT_NEAR(out.at(1, 0, 1), 10 + 190 * 128 / 255.0, 1);
  EXPECT_EQ(out.at(2, 0, 2), 10);
  EXPECT_EQ(out.at(3, 0, 0), 10);
}

TEST(ClutterTest, OverRoomKeepsTheObjectAndDrawsTheRoomElsewhere) {
  // A 24 x 24 object in the middle of 48 x 48: its inside is kept, far outside is the room the
  // same seed draws, and the edge in between is soft.
  Image rgb(48, 48, 3, 200), mask(48, 48, 1, 0);
  for (int y = 12; y < 36; ++y)
    for (int x = 12; x < 36; ++x) mask.at(x, y, 0) = 255;
  core::Rng a(3), b(3);
  const Image out = OverRoom(rgb, mask, a), room = RoomClutter(48, 48, b);
  EXPECT_EQ(out.at(24, 24, 1), 200);
  EXPECT_EQ(out.at(2, 2, 0), room.at(2, 2, 0));
  EXPECT_EQ(out.at(45, 40, 2), room.at(45, 40, 2));
  const int edge = out.at(12, 24, 0);
  EXPECT_NE(edge, 200);
  EXPECT_NE(edge, room.at(12, 24, 0));
}

}  // namespace
}  // namespace img2cad::image
