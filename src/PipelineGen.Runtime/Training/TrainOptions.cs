namespace PipelineGen.Runtime.Training;

internal sealed record TrainOptions
{
    /// <summary>Where to save; default <c>&lt;project&gt;/.pipelinegen/models/&lt;name&gt;.zip</c>.</summary>
    public string? ModelPath { get; init; }
    /// <summary>Hash of the spec the pipeline was generated from (the generator's <c>SpecHash</c> constant).</summary>
    public string? SpecHash { get; init; }
    /// <summary>What evaluate/baseline measured; recorded in the card when given.</summary>
    public EvaluationSummary? Evaluation { get; init; }
    /// <summary>The capacity to fit the trainer with (e.g. the capacity curve's choice, from <c>run</c>); null: the spec's. Recorded in the card.</summary>
    public CapacityChoice? Capacity { get; init; }
    /// <summary>
    /// A blend to train instead of the pipeline's single configuration (an ensemble over the pipeline: same settings and
    /// data). Everything measured and recorded is then about the blend: the gates, the card's evaluation and trainer, the
    /// promotion evidence. Null: the pipeline itself.
    /// </summary>
    public IBlendPipeline? Ensemble { get; init; }
    /// <summary>
    /// When <see cref="Evaluation"/> was not measured for what is trained (a tuned winner, an ensemble, another capacity)
    /// and no gate measured it, evaluate it here on the spec's protocol so the card's metrics are this model's
    /// (<c>run</c> sets it: its evaluate step measured the spec's own configuration). Costs one evaluation.
    /// </summary>
    public bool MeasureWhenUnevaluated { get; init; }
    /// <summary>The tuning study behind the model, recorded in the card; null: read from the pipeline's lock file when it has one.</summary>
    public TuningProvenance? Tuning { get; init; }
    /// <summary>Told what the step is doing now (reading, gates, fitting, saving): a terminal shows it on stderr with the
    /// elapsed time (<see cref="Cli.ElapsedLine"/>), since fitting on large data is silent for a long time. Null: nothing.</summary>
    public Action<string>? Phase { get; init; }
}
