namespace PipelineGen.Runtime;

/// <summary>
/// Whether <c>run</c>'s final model takes the capacity the curve chose (the spec's <c>model.capacity</c>): <c>Auto</c>
/// applies the curve's choice (said in the output and the model card); <c>Pinned</c> keeps the spec's value.
/// </summary>
public enum CapacityMode { Auto, Pinned }
