namespace PipelineGen.Runtime.Exploration;

internal sealed record IdLikeColumn(string Column, string Reason);
