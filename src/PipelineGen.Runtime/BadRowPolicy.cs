namespace PipelineGen.Runtime;

/// <summary>What to do with a data row that does not parse.</summary>
public enum BadRowPolicy { Fail, Skip }
