using System.Linq;
using Microsoft.CodeAnalysis;
using PipelineGen.Generator.Emit;

namespace PipelineGen.Generator;

/// <summary>
/// What the compilation references, in one step: PipelineGen.Serving switches the typed REST endpoints and the 'serve'
/// command on (<see cref="ServingEmitter"/>); PipelineGen.Predictor the typed ONNX classes
/// (<see cref="DevicePredictorEmitter"/>); PipelineGen.Predictor without PipelineGen.Runtime (hence without ML.NET) is a
/// device project, where the ML.NET pipeline, its stand-ins and the serving code are not emitted (they would not compile).
/// A record with value equality, so an edit elsewhere in the compilation leaves the step Unchanged; a class, not a struct,
/// for the reason in <see cref="StepValues{T}"/>.
/// </summary>
internal sealed record ReferencedPackages(bool Serving, bool Predictor, bool Runtime)
{
    public bool DeviceOnly => Predictor && !Runtime;

    public static ReferencedPackages Of(Compilation compilation)
    {
        bool serving = false, predictor = false, runtime = false;
        foreach (var name in compilation.ReferencedAssemblyNames.Select(a => a.Name))
        {
            if (name == ServingEmitter.AssemblyName) serving = true;
            else if (name == DevicePredictorEmitter.AssemblyName) predictor = true;
            else if (name == DevicePredictorEmitter.RuntimeAssemblyName) runtime = true;
        }
        return new ReferencedPackages(serving, predictor, runtime);
    }
}
