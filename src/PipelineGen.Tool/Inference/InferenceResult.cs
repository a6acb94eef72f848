using PipelineGen.Spec.Data;

namespace PipelineGen.Tool.Inference;

/// <param name="DataFiles">Full paths of the data files the spec names (whether they exist or not): the build's extra inputs.</param>
internal sealed record InferenceResult(InferredSchema Schema, IReadOnlyList<string> DataFiles);
