using System.Globalization;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// The trainer as the model card, the run store and the evaluation context describe it: read from the pipeline's
/// settings (<see cref="PipelineSettings.Hyperparameters"/>, which the generator emits from what the binder resolved),
/// not from ML.NET's trainer objects by reflection, whose non-public fields change with any ML.NET release.
/// </summary>
internal static class TrainerHyperparameters
{
    /// <summary>What the card says for a pipeline whose settings declare no hyperparameters (nothing is guessed).</summary>
    public const string NotDeclared = "Hyperparameters: not declared by the pipeline (its settings carry none; generated pipelines declare them).";

    /// <param name="pipeline">The pipeline as it is trained (a tuning trial's pipeline carries the trial's values).</param>
    /// <param name="capacity">The capacity the model is fitted at when it is not the settings' own (the capacity curve's choice).</param>
    public static TrainerDescription Describe(IPipelineDefinition pipeline, int? capacity = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var settings = pipeline.Settings;
        if (settings.Hyperparameters is not { } declared)
            return new TrainerDescription(settings.TrainerName, null, new Dictionary<string, string>()) { Note = NotDeclared };
        // Insertion order is the catalog's order, kept by Dictionary (nothing is removed) and by the card's JSON.
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in declared) values[name] = text;
        if (capacity is int used && settings.CapacityHyperparameter is { } knob && values.ContainsKey(knob))
            values[knob] = used.ToString(CultureInfo.InvariantCulture);
        return new TrainerDescription(settings.TrainerName, null, values);
    }
}
