using System.Globalization;
using Microsoft.ML;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Runtime.Tuning.Ensembles;

/// <summary>
/// A weighted blend presented as a pipeline: <see cref="BuildPipeline"/> returns an estimator whose <c>Fit</c> fits every
/// member with its configuration on the rows it is given and blends them by their weights (<see cref="EnsembleBuilder.Fit"/>,
/// the code <c>tune</c> and <c>train</c> use). So anything that evaluates a pipeline — the <c>Evaluator</c>'s per-split fits,
/// and through it the gates, the card's evaluation and the promotion evidence — measures the blend, fold-local, exactly as
/// <c>train</c> then fits it on all rows (like <see cref="CapacityPipeline"/> does for a capacity).
/// </summary>
internal sealed class EnsemblePipeline : IBlendPipeline
{
    public EnsemblePipeline(ITunablePipeline inner, IReadOnlyList<EnsembleMember> members)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (members is not { Count: > 0 }) throw new ArgumentException("an ensemble needs at least one member.", nameof(members));
        Inner = inner;
        Members = members;
    }

    /// <summary>The pipeline whose search space the members' configurations are over (settings, loader, preparation).</summary>
    public ITunablePipeline Inner { get; }

    public IReadOnlyList<EnsembleMember> Members { get; }

    public PipelineSettings Settings => Inner.Settings;

    public IDataView LoadData(MLContext mlContext, string path) => Inner.LoadData(mlContext, path);

    /// <summary>
    /// Only read for the label (a baseline-only evaluation): every member prepares the label the same way, since the
    /// search varies the trainer and feature preparation, never the label.
    /// </summary>
    public IEstimator<ITransformer> BuildPreprocessing(MLContext mlContext) => Inner.BuildPreprocessing(mlContext);

    /// <summary>A blend has no single trainer: presenting one member's as the model's is the mistake this type exists to avoid.</summary>
    public IEstimator<ITransformer> BuildTrainer(MLContext mlContext) =>
        throw new NotSupportedException($"an ensemble of {Members.Count} models has no single trainer; see {nameof(DescribeBlend)} for its members.");

    public IEstimator<ITransformer> BuildPipeline(MLContext mlContext) => new BlendEstimator(this, mlContext);

    /// <summary>
    /// The card's trainer entry for the blend: named as an ensemble, with every member's weight, its values in the search
    /// space (as the lock file writes them) and its trainer's full options, in member order.
    /// </summary>
    public TrainerDescription DescribeBlend()
    {
        var space = new SearchSpace(Inner.Tuning.Space);
        var entries = new Dictionary<string, string>(StringComparer.Ordinal); // insertion order: member by member
        var trainerNames = new string[Members.Count];
        for (int i = 0; i < Members.Count; i++)
        {
            var member = Members[i];
            string prefix = string.Create(CultureInfo.InvariantCulture, $"member{i + 1:00}.");
            // The member's settings carry its trial values (TrialConfiguration.Apply): described by spec names, no reflection.
            var memberPipeline = Inner.WithHyperparameters(member.Configuration);
            trainerNames[i] = memberPipeline.Settings.TrainerName;
            var trainer = TrainerHyperparameters.Describe(memberPipeline);
            entries[prefix + "weight"] = member.Weight.ToString("0.####", CultureInfo.InvariantCulture);
            entries[prefix + "values"] = DescribeValues(member.Configuration, space);
            entries[prefix + "trainer"] = trainer.Type ?? trainer.Name;
            foreach (var (key, value) in trainer.Hyperparameters) entries[prefix + key] = value;
        }
        return new TrainerDescription(Name(trainerNames), "weighted blend of the members' predictions (EnsembleModel)", entries);
    }

    /// <summary>
    /// "ensemble of 2 LightGbm models", or with several trainers "ensemble of 6 models: 2 sdca, lightgbm, …" (each
    /// member's own trainer: the search may choose the trainer, so the spec's model.trainer is not the members').
    /// </summary>
    private static string Name(string[] trainers)
    {
        var kinds = trainers.GroupBy(t => t, StringComparer.Ordinal).ToArray();
        return kinds.Length == 1
            ? string.Create(CultureInfo.InvariantCulture, $"ensemble of {trainers.Length} {kinds[0].Key} models")
            : string.Create(CultureInfo.InvariantCulture, $"ensemble of {trainers.Length} models: {string.Join(", ", kinds.Select(k => k.Count() > 1 ? $"{k.Count()} {k.Key}" : k.Key))}");
    }

    /// <summary>
    /// A member's values for the card. The study's starting trial (tune's own member, or a lock's 'from: spec|pinned') is
    /// named for what it is, with the values it sets; one that sets none is the single winner the lock pins (it won).
    /// </summary>
    private static string DescribeValues(Configuration member, SearchSpace space) => member switch
    {
        { Origin: { } origin, Count: 0 } => $"none over the single winner's: {StartingTrial(origin)}",
        { Origin: { } origin } => $"{StartingTrial(origin)}: {member.DescribeValues(space)}",
        { Count: 0 } => "none over the single winner's (the study's starting trial)",
        _ => member.Describe(space),
    };

    private static string StartingTrial(string origin) => $"the study's starting trial ({StartingPoint.Label(origin, study: "that study")})";

    /// <summary>"member 1: the study's starting trial (the spec's own configuration)" for each member that is.</summary>
    public IReadOnlyList<string> StartingTrialMembers =>
        Members.Select((m, i) => m.Configuration.Origin is { } origin ? string.Create(CultureInfo.InvariantCulture, $"member {i + 1}: {StartingTrial(origin)}") : null)
            .OfType<string>().ToArray();

    /// <summary>"2 members, weights 0.55/0.45": for notes.</summary>
    public string Summary => $"{Members.Count} members, weights {string.Join("/", Members.Select(m => m.Weight.ToString("0.##", CultureInfo.InvariantCulture)))}";

    private sealed class BlendEstimator(EnsemblePipeline ensemble, MLContext ml) : IEstimator<ITransformer>
    {
        public ITransformer Fit(IDataView input) => EnsembleBuilder.Fit(ensemble.Inner, ensemble.Members, ml, input);

        // The blend writes the columns a member writes (Score, Probability, PredictedLabel, ...) with the same types.
        public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
            ensemble.Inner.WithHyperparameters(ensemble.Members[0].Configuration).BuildPipeline(ml).GetOutputSchema(inputSchema);
    }
}
