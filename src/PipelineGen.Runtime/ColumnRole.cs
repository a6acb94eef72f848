namespace PipelineGen.Runtime;

/// <summary>What a column is used for.</summary>
public enum ColumnRole { Feature, Label, Id, Ignore, Group }
