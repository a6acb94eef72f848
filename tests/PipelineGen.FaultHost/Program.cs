using System.Globalization;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Training;

// Usage: PipelineGen.FaultHost <project dir> <command> [options]   e.g.  ... /tmp/pg-train-x train
// PIPELINEGEN_FAULTHOST_ITERATIONS sets the LightGBM iterations (default 40), so a test can make the fit last long
// enough to be killed in the middle of it.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: PipelineGen.FaultHost <project dir> <command> [options]");
    return 2;
}
return PipelineApp.Run(args[1..], new FaultHostPipeline(args[0]));

/// <summary>The runtime tests' Titanic stand-in with the iteration count taken from the environment.</summary>
internal sealed class FaultHostPipeline(string project) : TitanicTestPipeline(project)
{
    public new const string SpecHash = TitanicTestPipeline.SpecHash;

    public override int DefaultCapacity { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("PIPELINEGEN_FAULTHOST_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 40;
}
