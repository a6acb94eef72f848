namespace PipelineGen.Spec.Catalog;

/// <summary>
/// The <c>dense</c> trainer: PipelineGen's own fully connected network (Adam, dropout, L2, early stopping), built by
/// the runtime's <c>Networks/Integration/DenseNetworkTrainers</c> as an ML.NET estimator. Its catalog "method" is a
/// static factory (a <c>global::</c> path the emitter calls with the MLContext), not a member of MLContext.
/// </summary>
public static class DenseNetworkCatalog
{
    public const string Name = "dense";
    private const string N = "global::PipelineGen.Runtime.Networks.Integration.";
    public const string OptionsType = N + "DenseNetworkOptions";
    public const string ActivationType = "global::PipelineGen.Runtime.Networks.DenseActivation";
    public static readonly string[] Activations = { "relu", "tanh", "sigmoid" };
    public const string ScheduleType = "global::PipelineGen.Runtime.Networks.DenseSchedule";
    /// <summary>Learning-rate schedules (the runtime's DenseSchedule members); the first is the default.</summary>
    public static readonly string[] Schedules = { "constant", "cosine" };

    /// <summary>Largest layer width accepted (a tabular network wider than this is a typo, and its weights would not fit in memory for long).</summary>
    public const int MaxUnits = 4096;

    public static TrainerInfo Trainer { get; } = new(
        Name,
        "PipelineGen's dense neural network: fully connected hidden layers, Adam, dropout, L2 weight decay, early stopping on a held-out share (inputs standardised)",
        TrainerFamily.Network,
        new EquatableArray<TrainerBinding>(new[]
        {
            new TrainerBinding(TaskKind.Binary, N + "DenseNetworkTrainers.Binary", OptionsType),
            new TrainerBinding(TaskKind.Multiclass, N + "DenseNetworkTrainers.Multiclass", OptionsType),
            new TrainerBinding(TaskKind.Regression, N + "DenseNetworkTrainers.Regression", OptionsType),
        }),
        new EquatableArray<ParamInfo>(new[]
        {
            new ParamInfo("layers", "Layers", ParamType.IntList, 1, MaxUnits, false, "hidden layer widths, input side first (e.g. [64, 32])"),
            new ParamInfo("units", "Units", ParamType.Int, 1, MaxUnits, false, "width of every hidden layer, with 'depth' (instead of 'layers'; the form tune searches)"),
            new ParamInfo("depth", "Depth", ParamType.Int, 1, 8, false, "number of hidden layers of 'units' each (instead of 'layers')"),
            new ParamInfo("activation", "Activation", ParamType.Choice, null, null, false, "hidden-layer activation",
                new EquatableArray<string>(Activations), ActivationType),
            new ParamInfo("dropout", "Dropout", ParamType.Double, 0, 0.99, false, "share of hidden units dropped while training (regularises)"),
            new ParamInfo("l2", "L2", ParamType.Double, 0, null, false, "L2 weight decay (regularises)"),
            new ParamInfo("epochs", "Epochs", ParamType.Int, 1, 100000, false, "maximum passes over the training rows"),
            new ParamInfo("batch_size", "BatchSize", ParamType.Int, 1, 1000000, false, "rows per gradient step"),
            new ParamInfo("learning_rate", "LearningRate", ParamType.Double, 0, 10, true, "Adam step size"),
            new ParamInfo("schedule", "Schedule", ParamType.Choice, null, null, false, "learning-rate schedule: constant, or cosine (linear warm-up over the first epoch, then cosine decay to 5% of learning_rate over the epoch budget)",
                new EquatableArray<string>(Schedules), ScheduleType),
            new ParamInfo("early_stopping", "EarlyStopping", ParamType.Int, 0, 100000, false, "stop after this many epochs without a better validation loss; the best epoch's weights are kept (0: off)"),
            new ParamInfo("validation_fraction", "ValidationFraction", ParamType.Double, 0, 0.5, true, "share of the training rows held out (seeded) for early stopping"),
            new ParamInfo("seed", "Seed", ParamType.Int, 0, int.MaxValue, false, "seed of the initial weights, shuffling, dropout and the held-out rows"),
        }),
        "epochs", 200);
}
