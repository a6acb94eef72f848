namespace PipelineGen.Runtime;

/// <summary>
/// The spec asks for ONNX (<c>deploy.onnx: true</c>). <c>export onnx</c> run by the build
/// (<c>-p:PipelineGenTrain=true</c>) reports a failed export or parity check as an error located here
/// (<c>pipeline.yaml(31,9): error PG0523: ...</c>), as gates are.
/// </summary>
/// <param name="SpecFile">The spec, relative to the project folder.</param>
/// <param name="Line">1-based line of the <c>onnx:</c> value.</param>
/// <param name="Column">1-based column of it.</param>
public sealed record OnnxDeploySettings(string SpecFile, int Line, int Column);
