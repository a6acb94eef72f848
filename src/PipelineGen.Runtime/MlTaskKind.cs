namespace PipelineGen.Runtime;

/// <summary>The three task kinds of spec v1.</summary>
public enum MlTaskKind { BinaryClassification, MulticlassClassification, Regression }
