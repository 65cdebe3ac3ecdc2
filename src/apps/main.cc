// img2cad command-line tool: parses the command line and hands each subcommand to its Run*
// function (apps/commands.h). Exit codes (DESIGN §5): 0 success, 1 failure (bad input,
// geometry, i/o), 2 usage error, 3 a batch finished with some failed items.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "apps/cli_train.h"
#include "apps/commands.h"
#include "core/model_locator.h"
#include "core/parallel.h"
#include "core/version.h"
#include "program/vocabulary.h"

int main(int argc, char** argv) {
  using namespace img2cad;        // NOLINT
  using namespace img2cad::apps;  // NOLINT
  CLI::App app{"img2cad: one photo of a piece of furniture in, an editable CAD model out.",
               "img2cad"};
  app.footer(kExitCodesHelp);
  app.set_version_flag("--version", std::string("img2cad ") + core::kVersion +
                                        " (program format img2cad.program/1, vocabulary v" +
                                        std::to_string(program::kVocabularyVersion) + ")");
  app.require_subcommand(1);
  app.fallthrough();  // --models may follow the subcommand
  std::string models_root;
  app.add_option("--models", models_root,
                 "folder of trained models (default: IMG2CAD_MODELS, or models/ beside the "
                 "binary or in the working directory)");
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet,
               "print no progress or closing summary, only errors, warnings and asked-for output "
               "(any command; may follow it)");
  // One thread budget for the process (core/parallel.h); a command's --threads sets it.
  int threads = core::ThreadBudget();
  auto threads_option = [&](CLI::App* cmd) {
    cmd->add_option("--threads", threads,
                    "threads to use in all (default: IMG2CAD_THREADS, or the machine's cores)")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
  };

  BuildArgs build;
  CLI::App* build_cmd = app.add_subcommand(
      "build", "Build a program into checked solids and write STEP, GLB, STL and OBJ.");
  build_cmd
      ->add_option("PROGRAM", build.program_path,
                   "program JSON (img2cad.program/1), or - for stdin")
      ->required();
  build_cmd->add_option("-o,--out", build.out_dir, "output directory (created if missing)")
      ->required();
  build_cmd->add_option("--formats", build.formats, "comma-separated subset of step,glb,stl,obj")
      ->capture_default_str();
  build_cmd->add_flag("--json", build.json,
                      "print a JSON summary: per-part volume, bounds, validity");
  build_cmd->add_flag("--strict", build.strict,
                      "run the self-interference check (BRepAlgoAPI_Check) on every part, not only "
                      "on parts made with booleans");
  build_cmd
      ->add_option("--linear-deflection", build.mesh.linear_deflection_mm,
                   "mesh chord tolerance for GLB/STL/OBJ, mm")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  build_cmd
      ->add_option("--angular-deflection", build.mesh.angular_deflection_deg,
                   "mesh angle tolerance for GLB/STL/OBJ, degrees")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  build_cmd->footer(
      "Writes DIR/model.step (AP214, one named, coloured solid per part, mm), model.glb (y-up, "
      "m),\n"
      "model.stl and model.obj + model.mtl (z-up, mm). Nothing is written unless everything\n"
      "succeeds.\n" +
      std::string(kExitCodesHelp));

  CheckArgs check;
  CLI::App* check_cmd = app.add_subcommand(
      "check", "Validate a program (format, labels, geometry, kernel) and print its structure.");
  check_cmd->add_option("PROGRAM", check.program_path, "program JSON, or - for stdin")->required();
  check_cmd->add_flag("--json", check.json, "print the structure as img2cad.structure/1 JSON");
  check_cmd->add_flag("--no-kernel", check.no_kernel,
                      "skip building with OpenCASCADE (format, label and sketch checks only)");
  check_cmd->footer(kExitCodesHelp);

  RenderArgs render_args;
  double azimuth = 0, elevation = 0;
  CLI::App* render_cmd =
      app.add_subcommand("render", "Render a program to a PNG with the synthetic-data renderer.");
  render_cmd->add_option("PROGRAM", render_args.program_path, "program JSON, or - for stdin")
      ->required();
  render_cmd->add_option("-o,--out", render_args.out_path, "output PNG")->required();
  CLI::Option* az_opt =
      render_cmd->add_option("--azimuth", azimuth, "view azimuth in degrees (0: from the front)");
  CLI::Option* el_opt =
      render_cmd->add_option("--elevation", elevation, "view elevation in degrees above the floor")
          ->check(CLI::Range(-89.0, 89.0));
  render_cmd->add_option("--size", render_args.request.size, "image width and height, pixels")
      ->capture_default_str()
      ->check(CLI::Range(8, 4096));
  render_cmd
      ->add_option("--seed", render_args.request.seed,
                   "seed of the randomised scene (camera, light, materials, backdrop, noise)")
      ->capture_default_str();
  render_cmd->add_flag("--clean", render_args.request.clean,
                       "neutral studio scene: no clutter, noise or random materials");
  render_cmd
      ->add_option("--shelf-contents", render_args.request.shelf_contents,
                   "chance (0-1) of books and boxes on the shelves of a randomised scene")
      ->check(CLI::Range(0.0, 1.0));
  render_cmd
      ->add_option("--quilted", render_args.request.quilted,
                   "chance (0-1) of quilted upholstery on the seat and back of a randomised scene")
      ->check(CLI::Range(0.0, 1.0));
  render_cmd
      ->add_option("--panelled", render_args.request.panelled,
                   "chance (0-1) of panelled doors and drawer fronts (a frame around a panel) in "
                   "a randomised scene")
      ->check(CLI::Range(0.0, 1.0));
  render_cmd->add_flag("--maps", render_args.maps,
                       "also write IMG.mask.png, IMG.depth.png and IMG.parts.png");
  render_cmd->footer(kExitCodesHelp);

  pipeline::SynthOptions synth_options;
  std::string synth_split;
  CLI::App* synth_cmd = app.add_subcommand(
      "synth", "Generate a synthetic dataset: programs, rendered photos and a manifest.");
  synth_cmd->add_option("--category", synth_options.category, "chair, table or storage")
      ->required();
  synth_cmd->add_option("--count", synth_options.count, "number of samples")
      ->required()
      ->check(CLI::NonNegativeNumber);
  synth_cmd
      ->add_option("--seed", synth_options.first_seed,
                   "first seed; sample k uses seed + k (offset by the split's range with --split)")
      ->capture_default_str();
  synth_cmd->add_option("--split", synth_split,
                        "train (seeds 0-999999), val (1000000-1099999) or test (1100000-1199999)");
  synth_cmd
      ->add_option("--out", synth_options.out_dir, "dataset folder (created; resumed if it exists)")
      ->required();
  synth_cmd->add_option("--image-size", synth_options.image_size, "image width and height, pixels")
      ->capture_default_str()
      ->check(CLI::Range(8, 4096));
  threads_option(synth_cmd);
  synth_cmd->add_flag("--maps", synth_options.maps, "also write mask, depth and part-id maps");
  synth_cmd
      ->add_option("--shelf-contents", synth_options.shelf_contents,
                   "share (0-1) of renders with books and boxes on the shelves (default 0)")
      ->check(CLI::Range(0.0, 1.0));
  synth_cmd
      ->add_option(
          "--quilted", synth_options.quilted,
          "share (0-1) of renders whose seats and backs are quilted upholstery (default 0)")
      ->check(CLI::Range(0.0, 1.0));
  synth_cmd
      ->add_option("--panelled", synth_options.panelled,
                   "share (0-1) of renders whose doors and drawer fronts are panelled, a frame "
                   "around a panel (default 0)")
      ->check(CLI::Range(0.0, 1.0));
  synth_cmd
      ->add_option("--lounge", synth_options.lounge,
                   "share (0-1) of chairs drawn as lounge chairs, bent-wood frames under one "
                   "reclined cushion (default 0)")
      ->check(CLI::Range(0.0, 1.0));
  synth_cmd->footer(
      "Writes DIR/manifest.jsonl, DIR/programs/ID.json and DIR/images/ID.png. The same arguments\n"
      "give identical files; rerunning over an existing DIR makes only the missing samples.\n" +
      std::string(kExitCodesHelp));

  PredictArgs predict_args;
  CLI::App* predict_cmd = app.add_subcommand(
      "predict", "Photos in, CAD out: program, STEP, GLB, STL, OBJ and a preview per image.");
  predict_cmd->add_option("IMAGE", predict_args.images,
                          "PNG or JPEG photos (any size; grey, RGB or RGBA)");
  predict_cmd->add_option("-o,--out", predict_args.out_dir, "output folder: OUT/<stem>/ per input")
      ->required();
  std::string method_help = "prediction method:";
  for (const auto& m : pipeline::RegisteredMethods())
    method_help += "\n  " + m.name + ": " + m.description;
  predict_cmd->add_option("--method", predict_args.method, method_help)->capture_default_str();
  predict_cmd
      ->add_option("--segmenter", predict_args.segmenter,
                   "how the object is found when no mask or alpha channel says it: isnet (the "
                   "pretrained segmenter, whose masks are like the renderer's that stage 1 was "
                   "trained on; falls back to border with a warning when absent), border (the "
                   "border-colour model: stage 2's and the retrieval index's training crops), "
                   "or none (the whole photo)")
      ->capture_default_str()
      ->check(CLI::IsMember({"border", "isnet", "none"}));
  predict_cmd
      ->add_option_function<std::string>(
          "--segmenter-retry",
          [&](const std::string& v) { predict_args.options.find.isnet_pad_retry = v == "pad"; },
          "pad: when ISNet's mask is faint, segment the photo again with its edges extended by "
          "20% on every side and keep the mask ISNet is surer of (photos cut tight around the "
          "object); off: one pass")
      ->default_str("off")
      ->check(CLI::IsMember({"off", "pad"}));
  predict_cmd
      ->add_option_function<std::string>(
          "--segmenter-size",
          [&](const std::string& v) {
            predict_args.options.find.isnet_size = v == "auto" ? 0 : std::stoi(v);
          },
          "ISNet's input side in pixels (a multiple of 64 from 64 to 1024), or auto: 1.5 x the "
          "photo's longer side, rounded up to a multiple of 64, within 192-320")
      ->default_str("auto")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            if (value == "auto") return "";
            int side = 0;
            try {
              side = std::stoi(value);
            } catch (const std::exception&) {
              return "must be auto or a number of pixels";
            }
            if (side < 64 || side > 1024) return "must be within 64-1024";
            return side % 64 ? "must be a multiple of 64" : "";
          },
          "auto|MULTIPLE OF 64"));
  predict_cmd
      ->add_option("--backdrop", predict_args.backdrop,
                   "what the methods see around the found object: photo (as taken) or "
                   "plain (painted flat grey outside the mask, like a studio render)")
      ->capture_default_str()
      ->check(CLI::IsMember({"photo", "plain"}));
  predict_cmd
      ->add_option("--category-probe", predict_args.category_probe,
                   "on: with --method learned, a linear probe on ISNet's encoder features "
                   "(models/category_probe/, trained on renders) gives a second opinion on the "
                   "category, multiplied into stage 1's; off: stage 1 alone")
      ->capture_default_str()
      ->check(CLI::IsMember({"on", "off"}));
  predict_cmd
      ->add_option("--mask-refiner", predict_args.mask_refiner,
                   "on: the mask refiner (models/mask_refiner/, trained on renders) corrects "
                   "ISNet's map before it becomes the mask (cast shadows and neighbouring "
                   "objects out); off: ISNet's map as it is")
      ->capture_default_str()
      ->check(CLI::IsMember({"on", "off"}));
  predict_cmd
      ->add_option("--detector", predict_args.detector,
                   "on: the pretrained COCO detector (models/detector/) also reads each photo, "
                   "and a couch, a bed or a person covering the object that it sees more "
                   "strongly than a chair or a dining table makes the result uncertain (out of "
                   "scope); off: skip it")
      ->capture_default_str()
      ->check(CLI::IsMember({"on", "off"}));
  predict_cmd->add_option("--mask", predict_args.mask,
                          "the object's mask for the one IMAGE (white = object); wins over all");
  predict_cmd->add_option("--structure-model", predict_args.method_config.structure_model,
                          "stage-1 model folder for --method learned, or several "
                          "comma-separated, decoded as an ensemble (default: MODELS/structure)");
  predict_cmd->add_option("--assembler-model", predict_args.method_config.assembler_model,
                          "stage-2 model folder for --method learned (default: models/assembler "
                          "when it exists, else placeholder numbers)");
  auto* structure_opt =
      predict_cmd->add_option("--structure", predict_args.method_config.structure_file,
                              "--method learned: skip stage 1 and fill in this structure "
                              "(img2cad.structure/1 JSON)");
  predict_cmd
      ->add_option("--structure-text", predict_args.method_config.structure_text_file,
                   "--method learned: skip stage 1 and fill in this structure, written in the "
                   "paper's text language by any vision-language model")
      ->excludes(structure_opt);
  predict_cmd
      ->add_option("--category", predict_args.method_config.category,
                   "the category for --structure-text (default: from the part names, else stage 1)")
      ->check(CLI::IsMember(program::Categories()));
  predict_cmd
      ->add_option("--sampling-steps", predict_args.method_config.sampling_steps,
                   "stage 2's Euler steps (Gaussian-mixture flow head)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  predict_cmd
      ->add_option("--stage1-crops", predict_args.method_config.stage1_crops,
                   "each stage-1 model decodes this many framings of the object together (1-5: "
                   "the crop, then mirrored, tighter, looser and shifted)")
      ->capture_default_str()
      ->check(CLI::Range(1, 5));
  predict_cmd
      ->add_option("--structure-choice", predict_args.method_config.structure_choice,
                   "learned: which of stage 1's beam hypotheses is kept: best (the most likely) "
                   "or consensus (each completed by stage 2, and the one closest to the others "
                   "on average, weighted by their probabilities; about 2.7 times stage 1 and 2's "
                   "time)")
      ->capture_default_str()
      ->check(CLI::IsMember({"best", "consensus"}));
  predict_cmd
      ->add_option("--silhouette-fit", predict_args.method_config.silhouette_fit,
                   "learned: stretch the model along x, y and z until its silhouette matches the "
                   "object's mask: view (the estimated view is searched too), stretch (the view "
                   "stays stage 2's) or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"off", "stretch", "view"}));
  predict_cmd
      ->add_option("--stage2-crops", predict_args.method_config.stage2_crops,
                   "stage 2 reads this many framings of the object (1-4: the crop, then tighter, "
                   "looser and shifted) and averages their numbers")
      ->capture_default_str()
      ->check(CLI::Range(1, 4));
  predict_cmd->add_flag(
      "--no-symmetry", [&](int64_t) { predict_args.method_config.symmetry = false; },
      "stage 2: leave reflect_x structures as predicted, without exact mirroring (ablation)");
  predict_cmd->add_flag(
      "--keep-overlaps", [&](int64_t) { predict_args.method_config.separate_fronts = false; },
      "stage 2: leave doors and drawer fronts that overlap as predicted (ablation)");
  predict_cmd->add_option("--index", predict_args.method_config.retrieval_index,
                          "retrieval index (default: MODELS/retrieval/index.bin)");
  predict_cmd->add_option(
      "--manifest", predict_args.manifest,
      "predict a dataset's images instead: DATASET/manifest.jsonl, into OUT/<id>/");
  predict_cmd->add_option("--split", predict_args.split, "with --manifest: only this split");
  threads_option(predict_cmd);
  predict_cmd->add_flag("--overwrite", predict_args.options.overwrite,
                        "replace earlier predictions in OUT (else a folder that holds some is "
                        "refused)");
  predict_cmd
      ->add_option("--min-confidence", predict_args.options.min_confidence,
                   "below this confidence a result is 'uncertain' (and 'no_object' when no "
                   "object was found in the photo); default: the method's own threshold")
      ->check(CLI::Range(0.0, 1.0));
  predict_cmd
      ->add_option("--preview-size", predict_args.options.preview_size, "preview.png size, pixels")
      ->capture_default_str()
      ->check(CLI::Range(16, 4096));
  predict_cmd->footer(
      "Writes OUT/<stem>/program.json, model.step, model.glb, model.stl, model.obj, preview.png "
      "and\n"
      "OUT/summary.json (status and per-stage timing of every input). Each input's status is\n"
      "ok, uncertain (a model, but the method's confidence is below the threshold), no_object\n"
      "(nothing found: no files) or failed (an unreadable input, reported and skipped). " +
      std::string(kExitCodesHelp));

  IndexArgs index_args;
  CLI::App* index_cmd =
      app.add_subcommand("index", "Build a retrieval index from a synthetic dataset.");
  index_cmd->add_option("--data", index_args.data, "dataset folder")->required();
  index_cmd->add_option("--split", index_args.split, "split to index (\"\" for all)")
      ->capture_default_str();
  index_cmd->add_option("--out", index_args.out_dir, "output folder: index.bin and model.json")
      ->required();
  index_cmd->add_option("--metrics", index_args.metrics,
                        "an `img2cad eval` metrics.json to record in model.json");
  index_cmd->footer(kExitCodesHelp);

  pipeline::EvalOptions eval_options;
  pipeline::MeshEvalOptions mesh_eval;
  std::string gt_unit = "mm";
  CLI::App* eval_cmd = app.add_subcommand(
      "eval", "Score predicted programs against a dataset, or against ground-truth meshes.");
  auto* data_opt =
      eval_cmd->add_option("--data", eval_options.data, "dataset folder (ground truth)");
  auto* mesh_opt = eval_cmd
                       ->add_option("--gt-mesh", mesh_eval.gt_dir,
                                    "instead of --data: a folder of ground-truth meshes, "
                                    "<id>.obj or <id>.stl (scans, catalogue models)")
                       ->excludes(data_opt);
  eval_cmd->add_option("--gt-unit", gt_unit, "--gt-mesh files' length unit")
      ->capture_default_str()
      ->check(CLI::IsMember({"mm", "cm", "m", "in"}));
  eval_cmd->add_flag("--yaw-search", mesh_eval.yaw_search,
                     "--gt-mesh: also turn each prediction 90/180/270 degrees about z and keep "
                     "the best (for meshes whose front is not -y)");
  eval_cmd->callback([&, data_opt, mesh_opt] {
    if (data_opt->count() == 0 && mesh_opt->count() == 0)
      throw CLI::RequiredError("--data or --gt-mesh");
  });
  eval_cmd->add_option("--pred", eval_options.pred_dir, "predictions: PRED/<id>/program.json")
      ->required();
  eval_cmd
      ->add_option("--out", eval_options.out_dir, "report folder: metrics.json, report.md, grids")
      ->required();
  eval_cmd->add_option("--split", eval_options.split, "only this split of the dataset");
  threads_option(eval_cmd);
  eval_cmd->footer(kExitCodesHelp);

  TrainCommands train(app, threads_option);

  DetectArgs detect_args;
  CLI::App* detect_cmd = app.add_subcommand(
      "detect",
      "Find COCO objects (chairs, couches, beds, dining tables, ...) in photos with the "
      "pretrained detector (models/detector/); one JSON line per photo.");
  detect_cmd->add_option("photos", detect_args.images, "PNG or JPEG photos")->required();
  detect_cmd->add_option("--model", detect_args.model,
                         "the detector's centernet.json (default: models/detector/)");
  detect_cmd->add_option("--min-score", detect_args.min_score, "lowest score reported")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  detect_cmd
      ->add_option("--fill", detect_args.fill,
                   "the share of the network's 512 x 512 input that the photo's longer side "
                   "takes, centred on grey (1: stretched over all of it)")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 1.0));
  detect_cmd->add_flag("--furniture", detect_args.furniture_only,
                       "report only chairs, couches, beds and dining tables");
  detect_cmd->footer(kExitCodesHelp);

  std::string labels_category;
  bool labels_json = false;
  CLI::App* labels_cmd = app.add_subcommand("labels", "Print the part-label vocabularies.");
  labels_cmd->add_option("--category", labels_category, "only this category");
  labels_cmd->add_flag("--json", labels_json, "print JSON");
  labels_cmd->footer(kExitCodesHelp);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  core::SetModelsRoot(models_root);
  SetQuiet(quiet);
  core::SetThreadBudget(threads);
  synth_options.threads = predict_args.options.threads = eval_options.threads = threads;
  if (*build_cmd) return RunBuild(build);
  if (*check_cmd) return RunCheck(check);
  if (*labels_cmd) return RunLabels(labels_category, labels_json);
  if (*synth_cmd) return RunSynth(synth_options, synth_split);
  if (*predict_cmd) {
    const auto& mc = predict_args.method_config;
    if ((!mc.structure_file.empty() || !mc.structure_text_file.empty() || !mc.category.empty()) &&
        predict_args.method != "learned") {
      std::fprintf(stderr,
                   "img2cad predict: --structure, --structure-text and --category need "
                   "--method learned\n");
      return kExitUsage;
    }
    return RunPredict(predict_args);
  }
  if (*index_cmd) return RunIndex(index_args);
  if (*detect_cmd) return RunDetect(detect_args);
  if (*eval_cmd) {
    if (mesh_eval.gt_dir.empty()) return RunEval(eval_options);
    mesh_eval.pred_dir = eval_options.pred_dir;
    mesh_eval.out_dir = eval_options.out_dir;
    mesh_eval.threads = eval_options.threads;
    mesh_eval.unit_scale = gt_unit == "m"    ? 1000
                           : gt_unit == "cm" ? 10
                           : gt_unit == "in" ? 25.4
                                             : 1;
    return RunMeshEval(mesh_eval);
  }
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  if (const std::optional<int> rc = train.Run(command_line)) return *rc;
  if (*render_cmd) {
    if (*az_opt) render_args.request.azimuth_deg = azimuth;
    if (*el_opt) render_args.request.elevation_deg = elevation;
    return RunRender(render_args);
  }
  return kExitUsage;
}
