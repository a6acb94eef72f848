namespace PipelineGen.Tool.Csv;

/// <summary>A physical line longer than the reader's limit: the sample stops there (PG0133).</summary>
internal sealed class DataLineTooLongException(int line, long lineOffset, int maxCharacters)
    : Exception($"Line {line} is longer than {maxCharacters} characters.")
{
    public int Line { get; } = line;
    public long LineOffset { get; } = lineOffset;
    public int MaxCharacters { get; } = maxCharacters;
}
