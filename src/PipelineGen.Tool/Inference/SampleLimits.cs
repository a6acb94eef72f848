namespace PipelineGen.Tool.Inference;

/// <summary>How much of a data file is read: the first rows only, so a build never reads a whole large file.</summary>
/// <remarks><c>MaxLineCharacters</c>: a longer line (a file with no line breaks, a binary file) stops the sample with PG0133
/// instead of being read into memory whole.</remarks>
internal sealed record SampleLimits(int MaxRows = 5000, long MaxCharacters = 8L * 1024 * 1024, int MaxLineCharacters = 16 * 1024 * 1024)
{
    public static readonly SampleLimits Default = new();
}
