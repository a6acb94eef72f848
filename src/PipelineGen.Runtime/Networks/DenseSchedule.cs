namespace PipelineGen.Runtime.Networks;

/// <summary>How the learning rate moves over training (spec key <c>schedule</c>). See docs/runtime-networks.md, "Optimizer and schedule".</summary>
public enum DenseSchedule
{
    /// <summary>The learning rate every step.</summary>
    Constant,
    /// <summary>Linear warm-up over the first epoch (at most a tenth of the steps), then cosine decay to
    /// <see cref="DenseLearningRate.CosineFloor"/> x the learning rate at the last step of the epoch budget.</summary>
    Cosine,
}

/// <summary>The learning rate of one AdamW step under a schedule. A pure function of its arguments (no state, no
/// randomness), so a seed still gives bit-identical training.</summary>
internal static class DenseLearningRate
{
    /// <summary>Where cosine decay ends, as a share of the learning rate: not 0, so a run whose early stopping has
    /// not fired by the last epochs still moves.</summary>
    public const double CosineFloor = 0.05;

    /// <summary>Warm-up length in steps: one epoch, capped at a tenth of all steps (so a 3-epoch run is not all warm-up).</summary>
    public static long WarmupSteps(long stepsPerEpoch, long totalSteps) => Math.Max(1, Math.Min(stepsPerEpoch, totalSteps / 10));

    /// <summary>The rate of step <paramref name="step"/> (0-based) of <paramref name="totalSteps"/> (the epoch budget's
    /// steps; early stopping may end sooner, which does not change the earlier steps' rates).</summary>
    public static double At(DenseSchedule schedule, double learningRate, long step, long stepsPerEpoch, long totalSteps)
    {
        if (schedule == DenseSchedule.Constant) return learningRate;
        var warmup = WarmupSteps(stepsPerEpoch, totalSteps);
        // Warm-up: lr x (step+1)/warmup, so the first step is small but not zero and step warmup-1 reaches lr.
        if (step < warmup) return learningRate * (step + 1) / warmup;
        var decaySteps = Math.Max(1, totalSteps - warmup);
        var progress = Math.Min(1.0, (double)(step - warmup) / decaySteps);
        var floor = learningRate * CosineFloor;
        return floor + (learningRate - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
