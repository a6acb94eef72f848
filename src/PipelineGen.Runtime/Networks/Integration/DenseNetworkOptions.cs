using System.Globalization;

namespace PipelineGen.Runtime.Networks.Integration;

/// <summary>
/// The dense trainer's settings as generated code writes them (an object initializer, like ML.NET's trainer options):
/// the spec's <c>model.params</c> of trainer <c>dense</c>, with the same defaults as <see cref="DenseOptions"/>.
/// </summary>
public sealed class DenseNetworkOptions
{
    // The core trainer's defaults are the spec's defaults: one place to change them.
    private static readonly DenseOptions Core = new();

    public string LabelColumnName { get; set; } = "Label";
    public string FeatureColumnName { get; set; } = "Features";
    /// <summary>Hidden layer widths, input side first.</summary>
    public int[] Layers { get; set; } = (int[])Core.Layers.Clone();
    /// <summary>With <see cref="Depth"/>: every hidden layer this wide (the form tune searches); 0 = use <see cref="Layers"/>.</summary>
    public int Units { get; set; }
    /// <summary>With <see cref="Units"/>: this many hidden layers; 0 = use <see cref="Layers"/>.</summary>
    public int Depth { get; set; }
    public DenseActivation Activation { get; set; } = Core.Activation;
    public double Dropout { get; set; } = Core.Dropout;
    public double L2 { get; set; } = Core.L2;
    public int Epochs { get; set; } = Core.Epochs;
    public int BatchSize { get; set; } = Core.BatchSize;
    public double LearningRate { get; set; } = Core.LearningRate;
    public DenseSchedule Schedule { get; set; } = Core.Schedule;
    /// <summary>Patience in epochs on the held-out loss; 0 = off (then nothing is held out).</summary>
    public int EarlyStopping { get; set; } = Core.EarlyStopping;
    /// <summary>Share of the training rows held out (seeded) for early stopping, in (0, 0.5].</summary>
    public double ValidationFraction { get; set; } = 0.1;
    public int Seed { get; set; } = Core.Seed;

    /// <summary>The hidden layers actually built: units x depth when either is set (a missing one: 64 units, 2 layers), else <see cref="Layers"/>.</summary>
    public int[] EffectiveLayers => Units > 0 || Depth > 0
        ? Enumerable.Repeat(Units > 0 ? Units : 64, Depth > 0 ? Depth : 2).ToArray()
        : Layers;

    /// <summary>Whether a held-out share is used (early stopping on).</summary>
    public bool HoldsOut => EarlyStopping > 0 && ValidationFraction > 0;

    internal DenseOptions ToCore(int? epochs = null) => new()
    {
        Layers = EffectiveLayers,
        Activation = Activation,
        Dropout = Dropout,
        L2 = L2,
        Epochs = epochs ?? Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Schedule = Schedule,
        EarlyStopping = HoldsOut ? EarlyStopping : 0,
        Seed = Seed,
    };

    /// <summary>How the card and run store describe the network (layers as built, every setting that changes training).</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"layers [{string.Join(", ", EffectiveLayers)}], {Activation.ToString().ToLowerInvariant()}, dropout {Dropout}, l2 {L2}, epochs {Epochs}, batch {BatchSize}, lr {LearningRate}, schedule {Schedule.ToString().ToLowerInvariant()}, early_stopping {EarlyStopping}, validation_fraction {ValidationFraction}, seed {Seed}");
}
