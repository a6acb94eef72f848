namespace PipelineGen.Runtime.Exploration;

internal sealed record ValueCount(string Value, long Count, double Share);
