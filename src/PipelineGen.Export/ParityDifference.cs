namespace PipelineGen.Export;

/// <summary>One value on which ML.NET and ONNX Runtime disagree beyond the tolerance.</summary>
/// <param name="Row">1-based row among the parity rows (the data file's data line for the training data).</param>
/// <param name="Column">The output column that differs (<c>Score</c>, <c>Probability</c>).</param>
/// <param name="MlNet">ML.NET's value.</param>
/// <param name="Onnx">ONNX Runtime's value.</param>
public sealed record ParityDifference(int Row, string Column, float MlNet, float Onnx);
