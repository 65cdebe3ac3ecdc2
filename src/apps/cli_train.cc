// The train subcommands' options. Defaults that differ from the option structs' own are set
// here, beside the options that show them.
#include "apps/cli_train.h"

#include <cstdio>
#include <map>

namespace img2cad::apps {

TrainCommands::TrainCommands(CLI::App& app, const std::function<void(CLI::App*)>& threads_option) {
  CLI::App* train_cmd = app.add_subcommand("train", "Train img2cad's networks.");
  train_cmd->require_subcommand(1);
  // The options both stages' training takes (the option structs share these field names).
  auto training_options = [&](CLI::App* cmd, auto& o) {
    cmd->add_option("--train", o.train_data, "dataset folder with a train split")->required();
    cmd->add_option("--val", o.val_data, "dataset folder with a val split")->required();
    cmd->add_option("--work", o.work_dir,
                    "work folder: checkpoint.pt, log.csv, curve.png (resumes from a checkpoint)")
        ->capture_default_str();
    cmd->add_option("--out", o.out_dir, "the finished model")->capture_default_str();
    cmd->add_option("--steps", o.steps, "optimiser steps")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--batch", o.batch, "samples per step")
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    cmd->add_option("--lr", o.learning_rate, "peak learning rate")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--seed", o.seed, "seed")->capture_default_str();
    cmd->add_option("--image-size", o.config.image_size,
                    "crop size the network reads (a multiple of 32)")
        ->capture_default_str()
        ->check(CLI::Range(32, 512));
    cmd->add_option("--grid-stride", o.config.grid_stride, "pixels per image token: 16 or 32")
        ->capture_default_str()
        ->check(CLI::IsMember({16, 32}));
    cmd->add_option("--eval-every", o.eval_every, "steps between validation measurements")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--checkpoint-every", o.checkpoint_every, "steps between checkpoints")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--masks", o.masks,
                    "where the training crops' object masks come from: rendered (the dataset's "
                    "mask maps, made by `synth --maps`; what ISNet gives predict for a photo) or "
                    "found (the border colour model on each render)")
        ->transform(CLI::CheckedTransformer(std::map<std::string, nn::ObjectMasks>{
                                                {"rendered", nn::ObjectMasks::kRendered},
                                                {"found", nn::ObjectMasks::kFound}})
                        .description("{found,rendered}"))
        ->type_name("TEXT")
        ->default_str("rendered");
    cmd->add_option("--clutter", o.augment.clutter,
                    "share (0-1) of training crops whose backdrop outside the object mask is "
                    "replaced by a procedural room (walls, floors, shelves, other furniture), as "
                    "around an object in a photo")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--low-res", o.augment.low_res,
                    "share (0-1) of training crops cut at 45-90% of --image-size and enlarged back "
                    "by pixel repetition, as predict sees an object smaller than the crop (a "
                    "smaller render, a distant object in a photo)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option(
           "--tight", o.augment.tight,
           "share (0-1) of training crops from a picture that ends inside the object on "
           "one to three sides, padded as predict pads a photo cut tight around the object")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--precision", o.mixed_bf16,
                    "float32, or bf16: products in bfloat16 mixed precision (parameters, "
                    "normalisations, losses and the optimiser stay float32), about 1.4-1.75 "
                    "times as fast on a CPU with AVX-512 BF16")
        ->transform(
            CLI::CheckedTransformer(std::map<std::string, bool>{{"float32", false}, {"bf16", true}})
                .description("{float32,bf16}"))
        ->type_name("TEXT")
        ->default_str("float32");
    cmd->add_option("--limit", o.train_limit,
                    "use at most this many training samples: an even share of each category, "
                    "the first in manifest order (smaller runs, overfit checks)");
    threads_option(cmd);
    cmd->footer(kExitCodesHelp);
  };
  train_structure_cmd = train_cmd->add_subcommand(
      "structure", "Train stage 1 (photo -> structure) on synthetic datasets.");
  training_options(train_structure_cmd, train_structure);
  train_structure_cmd->add_flag("!--no-category-head", train_structure.config.category_head,
                                "train without the auxiliary category classifier");
  train_structure_cmd
      ->add_option("--encoder-blocks", train_structure.config.encoder_blocks,
                   "residual blocks in each of the image encoder's first three stages")
      ->capture_default_str()
      ->check(CLI::Range(1, nn::kMaxEncoderBlocks));
  train_structure_cmd->add_flag("--count-head", train_structure.config.count_head,
                                "train with the per-label count head (a second expert on part "
                                "counts at decoding)");
  train_structure_cmd
      ->add_option("--base", train_structure.base_dir,
                   "train only a count head over the frozen stage-1 model in this folder (its "
                   "configuration replaces --image-size and --grid-stride)")
      ->check(CLI::ExistingDirectory);
  train_structure_cmd
      ->add_option("--init", train_structure.init_dir,
                   "fine-tune: start from the stage-1 model in this folder and train all of it "
                   "(its configuration replaces --image-size, --grid-stride and the heads)")
      ->check(CLI::ExistingDirectory)
      ->excludes("--base");
  train_structure_cmd
      ->add_option("--count-weights", train_structure.count_weights,
                   "count-expert weights tried on val at the end, comma-separated; the best is "
                   "saved")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  train_structure_cmd
      ->add_option("--first-part-weight", train_structure.config.first_part_weight,
                   "weight of the token loss on each label's first part (the tokens that decide "
                   "its shape), against 1 for the others")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  train_structure_cmd
      ->add_option("--part-maps", train_structure.part_map_weight,
                   "train with the part-map head at this loss weight (0: none): every image token "
                   "also learns which part labels and which seams between parts its patch shows, "
                   "from the renderer's part maps (needs --masks rendered data); with --init it "
                   "adds the head or changes its weight (default: the initial model's, else 0)")
      ->check(CLI::Range(0.0, 100.0));
  train_structure_cmd->add_flag(
      "--count-density", train_structure.config.count_density,
      "with --count-head: every image token also says how many parts of each label it holds the "
      "centre of, and the sums join the count head (with --part-maps they learn from the part "
      "maps' visible parts); with --init it adds the density to the model");
  train_structure_cmd->add_flag("--template-head", train_structure.config.template_head,
                                "train with the per-label template head (direct supervision of "
                                "each label's first part: loops, curve types, extrude)");
  train_structure_cmd
      ->add_option("--template-weights", train_structure.template_weights,
                   "template-expert weights tried on val at the end, after the count weights, "
                   "comma-separated; the best is saved")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  train_assembler_cmd = train_cmd->add_subcommand(
      "assembler", "Train stage 2 (photo + structure -> numbers) on synthetic datasets.");
  training_options(train_assembler_cmd, train_assembler);
  train_assembler_cmd->add_option("--head", assembler_head, "output head: gmflow or regression")
      ->capture_default_str()
      ->check(CLI::IsMember({"gmflow", "regression"}));
  train_assembler_cmd
      ->add_option("--sampling-steps", train_assembler.sampling_steps,
                   "Euler steps of the flow head when validating")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));

  // The options of the trainers that draw renders from datasets with masks (their option structs
  // share these field names).
  auto drawn_renders_options = [&](CLI::App* cmd, auto& o, const char* seed_help) {
    cmd->add_option("--train", o.train_dir, "training dataset (with masks)")->required();
    cmd->add_option("--val", o.val_dir, "validation dataset (with masks)")->required();
    cmd->add_option("--out", o.out_dir, "model folder to write")->capture_default_str();
    cmd->add_option("--per-category", o.per_category, "training renders drawn per category")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--val-per-category", o.val_per_category,
                    "validation renders drawn per category")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--seed", o.seed, seed_help)->capture_default_str();
  };
  train_probe.out_dir = "models/category_probe";
  train_probe_cmd = train_cmd->add_subcommand(
      "category-probe",
      "Train the category probe (ISNet's encoder features -> category) on synthetic renders.");
  drawn_renders_options(train_probe_cmd, train_probe, "which renders are drawn");
  train_probe_cmd
      ->add_option("--clutter", train_probe.clutter,
                   "share of training renders shown with a procedural room behind the object")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));

  train_refiner.work_dir = "runs/mask_refiner";
  train_refiner.out_dir = "models/mask_refiner";
  train_refiner.steps = 3000;
  train_refiner.batch = 16;
  train_refiner.warmup = 100;
  train_refiner.eval_every = 500;
  train_refiner_cmd = train_cmd->add_subcommand(
      "mask-refiner",
      "Train the mask refiner (photo + ISNet's map -> the object's mask) on synthetic renders.");
  drawn_renders_options(train_refiner_cmd, train_refiner, "seed (draw, weights, flips)");
  train_refiner_cmd
      ->add_option("--work", train_refiner.work_dir,
                   "work folder: isnet/ (ISNet's maps, kept), checkpoint.pt, log.csv, curve.png "
                   "(resumes from a checkpoint)")
      ->capture_default_str();
  train_refiner_cmd->add_option("--steps", train_refiner.steps, "optimiser steps")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  train_refiner_cmd->add_option("--batch", train_refiner.batch, "renders per step")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  train_refiner_cmd->add_option("--lr", train_refiner.learning_rate, "peak learning rate")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  train_refiner_cmd
      ->add_option("--size", train_refiner.config.size,
                   "side the network reads, pixels (a multiple of 8)")
      ->capture_default_str()
      ->check(CLI::Range(16, 512));
  train_refiner_cmd
      ->add_option("--width", train_refiner.config.width,
                   "channels of the first stage (a multiple of 4)")
      ->capture_default_str()
      ->check(CLI::Range(4, 128));
  train_refiner_cmd
      ->add_option("--tight", train_refiner.tight,
                   "share (0-1) of training renders cut so that the picture ends inside the "
                   "object on one to three sides, as photos cut tight around a piece")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  train_refiner_cmd
      ->add_option("--eval-every", train_refiner.eval_every, "steps between validations")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  threads_option(train_refiner_cmd);
  train_refiner_cmd->footer(kExitCodesHelp);
}

std::optional<int> TrainCommands::Run(const std::string& command_line) {
  for (const int size : {train_structure.config.image_size, train_assembler.config.image_size}) {
    if (size % 32) {
      std::fprintf(stderr, "img2cad train: --image-size must be a multiple of 32\n");
      return kExitUsage;
    }
  }
  if (*train_structure_cmd) {
    train_structure.command = command_line;
    return RunTrainStructure(train_structure);
  }
  if (*train_assembler_cmd) {
    train_assembler.command = command_line;
    nn::ParseAssemblerHead(assembler_head, &train_assembler.config.head);
    return RunTrainAssembler(train_assembler);
  }
  if (*train_probe_cmd) {
    train_probe.command = command_line;
    return RunTrainCategoryProbe(train_probe);
  }
  if (*train_refiner_cmd) {
    if (train_refiner.config.size % 8 || train_refiner.config.width % 4) {
      std::fprintf(stderr,
                   "img2cad train mask-refiner: --size must be a multiple of 8 and "
                   "--width of 4\n");
      return kExitUsage;
    }
    train_refiner.command = command_line;
    return RunTrainMaskRefiner(train_refiner);
  }
  return std::nullopt;
}

}  // namespace img2cad::apps
