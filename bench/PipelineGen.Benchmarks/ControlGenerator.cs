using Microsoft.CodeAnalysis;

namespace PipelineGen.Benchmarks;

/// <summary>
/// A trivial incremental generator (reads the AdditionalFiles, emits one constant). Run first in a fresh process it pays
/// the JIT of Roslyn's generator-driver machinery, which any generator would pay; PipelineGen's first run after it then
/// shows PipelineGen's own share (its assemblies, YamlDotNet, parse, bind, emit).
/// </summary>
[Generator]
internal sealed class ControlGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var total = context.AdditionalTextsProvider.Select((t, ct) => t.GetText(ct)?.Length ?? 0).Collect();
        context.RegisterSourceOutput(total, (spc, lengths) =>
            spc.AddSource("Control.g.cs", $"namespace BenchApp {{ internal static class Control {{ public const int Length = {lengths.Sum()}; }} }}"));
    }
}
