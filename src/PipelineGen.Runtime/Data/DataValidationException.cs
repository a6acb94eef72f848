namespace PipelineGen.Runtime.Data;

/// <summary>Bad input data: the CLI maps it to exit code 2.</summary>
internal sealed class DataValidationException(string message, IReadOnlyList<RowProblem> problems) : Exception(message)
{
    public IReadOnlyList<RowProblem> Problems { get; } = problems;
}
