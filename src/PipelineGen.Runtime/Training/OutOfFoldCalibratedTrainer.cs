using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// A binary trainer with no probability of its own whose fitted model is already calibrated, by Platt scaling fitted on
/// out-of-fold scores (<see cref="OutOfFoldPlatt"/>), for ML.NET's one-versus-all. OneVersusAllTrainer Platt-scales each
/// class's binary model on the rows that model was just fitted on, unless the model it gets is already calibrated (an
/// IDistPredictorProducing, which every <see cref="CalibratedModelParametersBase{TSubModel, TCalibrator}"/> is); this
/// trainer hands it one. The model is ML.NET's own calibrated model type, so the one-versus-all model saves, loads and
/// exports to ONNX as the in-sample one did, with other Platt constants.
/// </summary>
/// <remarks>
/// ML.NET keeps the constructors of its calibrated model and of <see cref="BinaryPredictionTransformer{TModel}"/>
/// internal; they are reached by reflection, checked once per type, and a mismatch names the ML.NET version at fault.
/// </remarks>
internal sealed class OutOfFoldCalibratedTrainer<TSubModel>
    : ITrainerEstimator<BinaryPredictionTransformer<CalibratedModelParametersBase<TSubModel, PlattCalibrator>>, CalibratedModelParametersBase<TSubModel, PlattCalibrator>>
    where TSubModel : class
{
    private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    // Lazy, so a mismatch surfaces from Fit as the message below, not wrapped in a TypeInitializationException.
    private static readonly Lazy<ConstructorInfo> CalibratedModel = new(() => InternalConstructor(
        typeof(CalibratedModelParametersBase).Assembly.GetType("Microsoft.ML.Calibrators.ValueMapperCalibratedModelParameters`2")
            ?.MakeGenericType(typeof(TSubModel), typeof(PlattCalibrator)),
        typeof(IHostEnvironment), typeof(TSubModel), typeof(PlattCalibrator)));

    private static readonly Lazy<ConstructorInfo> PredictionTransformer = new(() => InternalConstructor(
        typeof(BinaryPredictionTransformer<CalibratedModelParametersBase<TSubModel, PlattCalibrator>>),
        typeof(IHostEnvironment), typeof(CalibratedModelParametersBase<TSubModel, PlattCalibrator>), typeof(DataViewSchema), typeof(string),
        typeof(float), typeof(string)));

    private readonly MLContext _ml;
    private readonly ITrainerEstimator<BinaryPredictionTransformer<TSubModel>, TSubModel> _trainer;
    private readonly int _seed;
    private readonly List<OutOfFoldPlatt.Result> _fits = [];

    public OutOfFoldCalibratedTrainer(MLContext ml, ITrainerEstimator<BinaryPredictionTransformer<TSubModel>, TSubModel> trainer, int seed)
    {
        _ml = ml;
        _trainer = trainer;
        _seed = seed;
    }

    public TrainerInfo Info => _trainer.Info;

    /// <summary>Every fit since the last <see cref="ClearFits"/>, in order: how each binary model was calibrated.</summary>
    public IReadOnlyList<OutOfFoldPlatt.Result> Fits => _fits;

    public void ClearFits() => _fits.Clear();

    public BinaryPredictionTransformer<CalibratedModelParametersBase<TSubModel, PlattCalibrator>> Fit(IDataView input)
    {
        var platt = OutOfFoldPlatt.Fit(_ml, _trainer, _seed, input);
        _fits.Add(platt);
        var trainer = (BinaryPredictionTransformer<TSubModel>)platt.Trainer;
        var model = (CalibratedModelParametersBase<TSubModel, PlattCalibrator>)CalibratedModel.Value.Invoke([_ml, trainer.Model, platt.Calibrator]);
        // The decision threshold stays at 0: one-versus-all uses the model's probability only, never this transformer's decision.
        return (BinaryPredictionTransformer<CalibratedModelParametersBase<TSubModel, PlattCalibrator>>)PredictionTransformer.Value.Invoke(
            [_ml, model, input.Schema, trainer.FeatureColumnName, 0f, "Score"]);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        ((IEstimator<ITransformer>)OutOfFoldPlatt.Estimator(_ml)).GetOutputSchema(_trainer.GetOutputSchema(inputSchema));

    private static ConstructorInfo InternalConstructor(Type? type, params Type[] parameters) =>
        type?.GetConstructor(Internal, null, parameters, null)
        ?? throw new InvalidOperationException(
            $"ML.NET {typeof(CalibratedModelParametersBase).Assembly.GetName().Version} has no constructor {type?.Name ?? "ValueMapperCalibratedModelParameters"}({string.Join(", ", parameters.Select(p => p.Name))}) " +
            "that out-of-fold calibration of one-versus-all needs; this build of PipelineGen does not match its ML.NET version.");
}
