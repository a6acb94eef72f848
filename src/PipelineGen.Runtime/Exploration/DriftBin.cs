namespace PipelineGen.Runtime.Exploration;

internal sealed record DriftBin(string Label, double TrainShare, double CompareShare);
