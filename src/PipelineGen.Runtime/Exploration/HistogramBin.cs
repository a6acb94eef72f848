namespace PipelineGen.Runtime.Exploration;

internal sealed record HistogramBin(double Lower, double Upper, double Count);
