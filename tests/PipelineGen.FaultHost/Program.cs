using System.Globalization;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Tests.Training;
using PipelineGen.Runtime.Tests.Tuning;
using PipelineGen.Runtime.Tuning;

// Usage: PipelineGen.FaultHost <project dir> <command> [options]   e.g.  ... /tmp/pg-train-x train
// PIPELINEGEN_FAULTHOST_ITERATIONS sets the LightGBM iterations (default 40), so a test can make the fit last long
// enough to be killed in the middle of it. The 'tune' command runs the tunable stand-in (leaves, learning_rate), so a
// test can run a real study in a process whose file size is limited (a full disk while journaling); 'tune-worker' and
// 'tune-trial' (the worker processes of 'tune --workers') run it too.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: PipelineGen.FaultHost <project dir> <command> [options]");
    return 2;
}
IPipelineDefinition pipeline = args[1] is "tune" or "tune-worker" or "tune-trial"
    ? new TunableTitanicPipeline(args[0], new TuningSettings
    {
        Strategy = "random",
        Trials = 20,
        Space =
        [
            SearchParameter.Range("leaves", HyperparameterType.Int, 2, 64, log: true),
            SearchParameter.Range("learning_rate", HyperparameterType.Float, 0.01, 0.5, log: true),
        ],
    })
    : new FaultHostPipeline(args[0]);
return PipelineApp.Run(args[1..], pipeline);

/// <summary>
/// The runtime tests' Titanic stand-in with the iteration count taken from the environment, and with
/// PIPELINEGEN_FAULTHOST_GATE_AUC=<min> one quality gate (auc >= min), so a gated train can be killed too.
/// </summary>
internal sealed class FaultHostPipeline : TitanicTestPipeline
{
    public new const string SpecHash = TitanicTestPipeline.SpecHash;

    public FaultHostPipeline(string project) : base(project)
    {
        if (double.TryParse(Environment.GetEnvironmentVariable("PIPELINEGEN_FAULTHOST_GATE_AUC"), NumberStyles.Float, CultureInfo.InvariantCulture, out var min))
            Settings = Settings with { Gates = [new PipelineGen.Runtime.GateSettings("auc", PipelineGen.Runtime.GateKind.Min, min, null, null, "pipeline.yaml", 3, 5)] };
    }

    public override int DefaultCapacity { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("PIPELINEGEN_FAULTHOST_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 40;
}
