#include "cad/export.h"

#include <APIHeaderSection_MakeHeader.hxx>
#include <BRepCheck_Analyzer.hxx>
#include <BRepGProp.hxx>
#include <BRep_Builder.hxx>
#include <GProp_GProps.hxx>
#include <IFSelect_ReturnStatus.hxx>
#include <Interface_Static.hxx>
#include <Message_ProgressRange.hxx>
#include <Quantity_Color.hxx>
#include <RWGltf_CafWriter.hxx>
#include <RWMesh_CoordinateSystemConverter.hxx>
#include <RWObj_CafWriter.hxx>
#include <STEPCAFControl_Reader.hxx>
#include <STEPCAFControl_Writer.hxx>
#include <STEPControl_Reader.hxx>
#include <StlAPI_Writer.hxx>
#include <TColStd_IndexedDataMapOfStringString.hxx>
#include <TColStd_SequenceOfAsciiString.hxx>
#include <TDF_LabelSequence.hxx>
#include <TDataStd_Name.hxx>
#include <TDocStd_Document.hxx>
#include <TopExp_Explorer.hxx>
#include <TopoDS.hxx>
#include <TopoDS_Compound.hxx>
#include <XCAFApp_Application.hxx>
#include <XCAFDoc_ColorTool.hxx>
#include <XCAFDoc_DocumentTool.hxx>
#include <XCAFDoc_ShapeTool.hxx>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <mutex>

#include "cad/occ_internal.h"
#include "core/file_io.h"

namespace img2cad::cad {

namespace {

// OpenCASCADE's data-exchange layer is not thread-safe: every XCAF document comes from one shared
// XCAFApp_Application, and the STEP writer and reader configure themselves through the global
// Interface_Static. Concurrent exports corrupted the heap, so all of it runs under this lock.
std::mutex& ExchangeMutex() {
  static std::mutex m;
  return m;
}

using core::Result;
using core::Status;
using core::StatusCode;

Status WriteError(const std::string& path, const std::string& what) {
  return Status(StatusCode::kIo, what, "", path);
}

TCollection_ExtendedString Ext(const std::string& s) {
  return TCollection_ExtendedString(s.c_str(), true);
}

std::string FromExt(const TCollection_ExtendedString& s) {
  std::string out(s.LengthOfCString(), '\0');
  char* buf = out.data();
  s.ToUTF8CString(buf);
  return out;
}

// An XCAF document that is closed when it goes out of scope. The shared application keeps every
// document it made until it is closed, shapes and all: without this a batch grew by about 0.5 MB
// per input. Create and destroy it under ExchangeMutex().
class ScopedDocument {
 public:
  ScopedDocument() { XCAFApp_Application::GetApplication()->NewDocument("MDTV-XCAF", doc_); }
  ~ScopedDocument() {
    if (!doc_.IsNull() && doc_->IsOpened()) XCAFApp_Application::GetApplication()->Close(doc_);
  }
  ScopedDocument(const ScopedDocument&) = delete;
  ScopedDocument& operator=(const ScopedDocument&) = delete;
  const Handle(TDocStd_Document) & get() const { return doc_; }

 private:
  Handle(TDocStd_Document) doc_;
};

// Fills `doc` with what every exporter reads: an assembly named after the category whose
// components are the part solids, each part named ("leg 2") and coloured, length unit mm.
void FillDocument(const Model::Impl& impl, const Handle(TDocStd_Document) & doc) {
  XCAFDoc_DocumentTool::SetLengthUnit(doc, 0.001);  // the document is in mm
  Handle(XCAFDoc_ShapeTool) shapes = XCAFDoc_DocumentTool::ShapeTool(doc->Main());
  Handle(XCAFDoc_ColorTool) colors = XCAFDoc_DocumentTool::ColorTool(doc->Main());
  const TDF_Label root = shapes->NewShape();
  TDataStd_Name::Set(root, Ext(impl.program.category));
  for (size_t i = 0; i < impl.solids.size(); ++i) {
    const program::Part& part = impl.program.parts[i];
    const std::string name = program::PartDisplayName(part);
    const TDF_Label proto = shapes->AddShape(impl.solids[i], /*makeAssembly=*/false);
    TDataStd_Name::Set(proto, Ext(name));
    const auto rgb = PartColor(impl.program.category, part.label);
    const Quantity_Color color(rgb[0], rgb[1], rgb[2], Quantity_TOC_sRGB);
    colors->SetColor(proto, color, XCAFDoc_ColorGen);
    colors->SetColor(proto, color, XCAFDoc_ColorSurf);
    const TDF_Label component = shapes->AddComponent(root, proto, TopLoc_Location());
    TDataStd_Name::Set(component, Ext(name));
  }
  shapes->UpdateAssemblies();
}

Status WriteMeshFile(const Model& model, const std::string& path, const TessellationOptions& mesh,
                     ExportFormat format) {
  Model::Impl& impl = const_cast<Model&>(model).impl();  // meshing caches inside the shapes
  IMG2CAD_RETURN_IF_ERROR(EnsureMeshed(impl, mesh));
  std::lock_guard<std::mutex> lock(ExchangeMutex());
  return GuardKernel(path, [&]() -> Status {
    if (format == ExportFormat::kStl) {
      TopoDS_Compound all;
      BRep_Builder builder;
      builder.MakeCompound(all);
      for (const auto& s : impl.solids) builder.Add(all, s);
      StlAPI_Writer writer;
      writer.ASCIIMode() = false;
      if (!writer.Write(all, path.c_str())) return WriteError(path, "STL writer failed");
      return core::OkStatus();
    }
    const ScopedDocument scoped;
    Handle(TDocStd_Document) doc = scoped.get();
    FillDocument(impl, doc);
    const TColStd_IndexedDataMapOfStringString info;
    if (format == ExportFormat::kGlb) {
      RWGltf_CafWriter writer(path.c_str(), /*isBinary=*/true);
      // z-up millimetres -> glTF's y-up metres
      RWMesh_CoordinateSystemConverter conv;
      conv.SetInputLengthUnit(0.001);
      conv.SetInputCoordinateSystem(RWMesh_CoordinateSystem_Zup);
      conv.SetOutputLengthUnit(1.0);
      conv.SetOutputCoordinateSystem(RWMesh_CoordinateSystem_glTF);
      writer.SetCoordinateSystemConverter(conv);
      writer.SetNodeNameFormat(RWMesh_NameFormat_InstanceOrProduct);
      writer.SetMeshNameFormat(RWMesh_NameFormat_Product);
      if (!writer.Perform(doc, info, Message_ProgressRange())) {
        return WriteError(path, "glTF writer failed");
      }
      return core::OkStatus();
    }
    RWObj_CafWriter writer(path.c_str());
    if (!writer.Perform(doc, info, Message_ProgressRange()))
      return WriteError(path, "OBJ writer failed");
    return core::OkStatus();
  });
}

}  // namespace

const char* FormatName(ExportFormat f) {
  switch (f) {
    case ExportFormat::kStep:
      return "step";
    case ExportFormat::kGlb:
      return "glb";
    case ExportFormat::kStl:
      return "stl";
    case ExportFormat::kObj:
      return "obj";
  }
  return "?";
}

const char* FormatFileName(ExportFormat f) {
  switch (f) {
    case ExportFormat::kStep:
      return "model.step";
    case ExportFormat::kGlb:
      return "model.glb";
    case ExportFormat::kStl:
      return "model.stl";
    case ExportFormat::kObj:
      return "model.obj";
  }
  return "?";
}

std::vector<ExportFormat> AllFormats() {
  return {ExportFormat::kStep, ExportFormat::kGlb, ExportFormat::kStl, ExportFormat::kObj};
}

Result<std::vector<ExportFormat>> ParseFormats(const std::string& list) {
  std::vector<ExportFormat> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string item = list.substr(start, end - start);
    std::transform(item.begin(), item.end(), item.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    bool found = false;
    for (ExportFormat f : AllFormats()) {
      if (item == FormatName(f)) {
        if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
        found = true;
      }
    }
    if (!found) {
      return Status(StatusCode::kInvalidArgument,
                    "unknown format '" + item + "' (expected step, glb, stl, obj)", "--formats");
    }
    start = end + 1;
  }
  return out;
}

Status WriteStep(const Model& model, const std::string& path) {
  const Model::Impl& impl = model.impl();
  SilenceKernelOutput();
  std::lock_guard<std::mutex> lock(ExchangeMutex());
  return GuardKernel(path, [&]() -> Status {
    const ScopedDocument scoped;
    Handle(TDocStd_Document) doc = scoped.get();
    FillDocument(impl, doc);
    // Interface_Static is process-global; these are our fixed settings for every write.
    Interface_Static::SetCVal("write.step.unit", "MM");
    Interface_Static::SetIVal("write.step.schema", 4);  // AP214 IS
    STEPCAFControl_Writer writer;
    writer.SetNameMode(true);
    writer.SetColorMode(true);
    writer.SetLayerMode(false);  // parts carry no layers
    if (!writer.Transfer(doc, STEPControl_AsIs)) return WriteError(path, "STEP transfer failed");
    APIHeaderSection_MakeHeader header(writer.ChangeWriter().Model());
    header.SetName(new TCollection_HAsciiString(impl.program.category.c_str()));
    header.SetOriginatingSystem(new TCollection_HAsciiString("img2cad"));
    header.SetAuthorValue(1, new TCollection_HAsciiString("img2cad"));
    header.SetOrganizationValue(1, new TCollection_HAsciiString(""));
    if (writer.Write(path.c_str()) != IFSelect_RetDone)
      return WriteError(path, "STEP writer failed");
    return core::OkStatus();
  });
}

Status WriteGlb(const Model& model, const std::string& path, const TessellationOptions& mesh) {
  return WriteMeshFile(model, path, mesh, ExportFormat::kGlb);
}
Status WriteStl(const Model& model, const std::string& path, const TessellationOptions& mesh) {
  return WriteMeshFile(model, path, mesh, ExportFormat::kStl);
}
Status WriteObj(const Model& model, const std::string& path, const TessellationOptions& mesh) {
  return WriteMeshFile(model, path, mesh, ExportFormat::kObj);
}

Result<std::vector<std::string>> ExportModel(const Model& model, const std::string& dir,
                                             const std::vector<ExportFormat>& formats,
                                             const TessellationOptions& mesh) {
  core::AtomicOutputs out;
  IMG2CAD_RETURN_IF_ERROR(out.CreateDirectory(dir));
  namespace fs = std::filesystem;
  for (ExportFormat f : formats) {
    const std::string final_path = (fs::path(dir) / FormatFileName(f)).string();
    const std::string temp = out.Stage(final_path);
    switch (f) {
      case ExportFormat::kStep:
        IMG2CAD_RETURN_IF_ERROR(WriteStep(model, temp));
        break;
      case ExportFormat::kGlb:
        IMG2CAD_RETURN_IF_ERROR(WriteGlb(model, temp, mesh));
        break;
      case ExportFormat::kStl:
        IMG2CAD_RETURN_IF_ERROR(WriteStl(model, temp, mesh));
        break;
      case ExportFormat::kObj: {
        // The OBJ writer puts its material library beside the OBJ under the same stem.
        out.Stage((fs::path(dir) / "model.mtl").string());
        IMG2CAD_RETURN_IF_ERROR(WriteObj(model, temp, mesh));
        break;
      }
    }
  }
  IMG2CAD_RETURN_IF_ERROR(out.Commit());
  return out.FinalPaths();
}

Result<StepSummary> ReadStepSummary(const std::string& path) {
  SilenceKernelOutput();
  std::lock_guard<std::mutex> lock(ExchangeMutex());
  return GuardKernel(path, [&]() -> Result<StepSummary> {
    STEPCAFControl_Reader reader;
    reader.SetNameMode(true);
    reader.SetColorMode(true);
    if (reader.ReadFile(path.c_str()) != IFSelect_RetDone) {
      return Status(StatusCode::kParse, "not a readable STEP file", "", path);
    }
    const ScopedDocument scoped;
    Handle(TDocStd_Document) doc = scoped.get();
    if (!reader.Transfer(doc)) return Status(StatusCode::kParse, "STEP transfer failed", "", path);
    StepSummary summary;
    TColStd_SequenceOfAsciiString lengths, angles, solid_angles;
    reader.ChangeReader().FileUnits(lengths, angles, solid_angles);
    if (lengths.Length() > 0) {
      summary.length_unit = lengths.First().ToCString();
      for (char& c : summary.length_unit) c = static_cast<char>(std::tolower(c));
    }
    Handle(XCAFDoc_ShapeTool) shapes = XCAFDoc_DocumentTool::ShapeTool(doc->Main());
    TDF_LabelSequence roots;
    shapes->GetFreeShapes(roots);
    auto name_of = [](const TDF_Label& l) {
      Handle(TDataStd_Name) n;
      return l.FindAttribute(TDataStd_Name::GetID(), n) ? FromExt(n->Get()) : std::string();
    };
    // Walk assemblies down to the solids, keeping each product's name and placement.
    std::function<void(const TDF_Label&, const TopLoc_Location&)> walk =
        [&](const TDF_Label& label, const TopLoc_Location& loc) {
          if (XCAFDoc_ShapeTool::IsAssembly(label)) {
            TDF_LabelSequence comps;
            XCAFDoc_ShapeTool::GetComponents(label, comps);
            for (int i = 1; i <= comps.Length(); ++i) {
              TDF_Label ref;
              if (XCAFDoc_ShapeTool::GetReferredShape(comps.Value(i), ref)) {
                walk(ref, loc * XCAFDoc_ShapeTool::GetLocation(comps.Value(i)));
              }
            }
            return;
          }
          const TopoDS_Shape shape = XCAFDoc_ShapeTool::GetShape(label).Located(loc);
          for (TopExp_Explorer ex(shape, TopAbs_SOLID); ex.More(); ex.Next()) {
            StepSolid s;
            s.name = name_of(label);
            GProp_GProps props;
            BRepGProp::VolumeProperties(ex.Current(), props);
            s.volume_mm3 = props.Mass();
            s.valid = BRepCheck_Analyzer(ex.Current()).IsValid();
            summary.solids.push_back(s);
          }
        };
    for (int i = 1; i <= roots.Length(); ++i) {
      if (summary.root_name.empty()) summary.root_name = name_of(roots.Value(i));
      walk(roots.Value(i), TopLoc_Location());
    }
    return summary;
  });
}

}  // namespace img2cad::cad
