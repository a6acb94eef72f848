namespace PipelineGen.Runtime.Exploration;

internal sealed record DuplicateExample(long RowNumber, long FirstRowNumber, string Row);
