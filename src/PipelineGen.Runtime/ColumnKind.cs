namespace PipelineGen.Runtime;

/// <summary>How a column is read (its .NET type follows from it).</summary>
public enum ColumnKind { Numeric, Categorical, Text, Boolean, DateTime }
