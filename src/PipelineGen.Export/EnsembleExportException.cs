namespace PipelineGen.Export;

/// <summary>
/// The model is a blend of tuned models (<c>tune</c> kept an ensemble and pinned it in the lock file). Its weighted sum
/// is made of ML.NET expression transforms, which ML.NET's converter cannot write to ONNX; without this check the
/// converter failed with "Column __ens_p0 does not exist in the input schema", which names none of that.
/// </summary>
public sealed class EnsembleExportException(string modelFile) : InvalidOperationException(
    $"the model '{modelFile}' is an ensemble of tuned models (tune kept a blend of its best trials and pinned it in the lock file's 'ensemble:' block), " +
    "and ML.NET cannot convert the blend to ONNX (its weighted average is an ML.NET expression, which has no ONNX form); no model.onnx was written. " +
    "To deploy to ONNX, tune again with 'tune --no-ensemble' (or set 'tune.ensemble: false' in the spec), build, and 'train': the single winner exports. " +
    "'predict' and 'serve' use the ensemble as it is.")
{
    public string ModelFile { get; } = modelFile;
}
