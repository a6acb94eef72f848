using System.Linq;
using Microsoft.CodeAnalysis;
using PipelineGen.Generator.Emit;

namespace PipelineGen.Generator;

/// <summary>
/// What the compilation references, for the device predictor: PipelineGen.Predictor switches the typed ONNX classes on
/// (<see cref="DevicePredictorEmitter"/>); PipelineGen.Predictor without PipelineGen.Runtime (hence without ML.NET) is a
/// device project, where the ML.NET pipeline, its stand-ins and the serving code are not emitted (they would not compile).
/// A value type of two bools, so an edit elsewhere in the compilation leaves the step Unchanged.
/// </summary>
internal readonly record struct DeviceTarget(bool PredictorReferenced, bool RuntimeReferenced)
{
    public bool DeviceOnly => PredictorReferenced && !RuntimeReferenced;

    public static DeviceTarget Of(Compilation compilation)
    {
        bool predictor = false, runtime = false;
        foreach (var name in compilation.ReferencedAssemblyNames.Select(a => a.Name))
        {
            if (name == DevicePredictorEmitter.AssemblyName) predictor = true;
            else if (name == DevicePredictorEmitter.RuntimeAssemblyName) runtime = true;
        }
        return new DeviceTarget(predictor, runtime);
    }
}
