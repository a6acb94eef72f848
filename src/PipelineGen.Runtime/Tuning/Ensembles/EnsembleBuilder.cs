using Microsoft.ML;
using PipelineGen.Runtime.Evaluation;

namespace PipelineGen.Runtime.Tuning.Ensembles;

/// <summary>A member of an ensemble: the trial, its share of the blend and its configuration.</summary>
internal sealed record EnsembleMember(int Trial, double Weight, Configuration Configuration);

/// <summary>What ensemble selection found and how the blend did on the held-back rows beside the single best model.</summary>
internal sealed record EnsembleReport
{
    public required IReadOnlyList<EnsembleMember> Members { get; init; }
    /// <summary>Trials whose out-of-fold predictions were candidates.</summary>
    public required int Candidates { get; init; }
    /// <summary>Those trials, best first (<see cref="EnsembleBuilder.CandidatePool"/>, less any without out-of-fold predictions).</summary>
    public IReadOnlyList<TrialRecord> CandidateTrials { get; init; } = [];
    /// <summary>Rows of the search part with an out-of-fold prediction from every candidate (what the selection was scored on).</summary>
    public required int SelectionRows { get; init; }
    public required double OutOfFoldScore { get; init; }
    public required double BestSingleOutOfFoldScore { get; init; }
    /// <summary>Score of the blend after each selection step (step 1: the best single model).</summary>
    public required IReadOnlyList<double> ScoreByStep { get; init; }
    /// <summary>Steps of the best-scoring prefix, the blend kept: the weights are counts over it (fewer than the steps run when later picks did not help).</summary>
    public int Picks { get; init; }
    /// <summary>
    /// The members refitted on all search rows, blended, scored on the held-back rows: the honest estimate when kept;
    /// otherwise shown for information only (it did not decide anything).
    /// </summary>
    public double? HoldbackScore { get; init; }
    /// <summary>The single best trial scored the same way (what the ensemble must beat).</summary>
    public double? SingleHoldbackScore { get; init; }
    /// <summary>
    /// The cross-fitted comparison on the out-of-fold rows that decided <see cref="Kept"/> (null when the selection chose
    /// one model, so there was no blend to keep).
    /// </summary>
    public KeepDecision? Keep { get; init; }
    /// <summary>
    /// True when <see cref="CrossFittedKeepRule"/> found the blend better on the out-of-fold rows (and it is what was
    /// pinned and saved). The held-back rows play no part: they only score what was kept.
    /// </summary>
    public required bool Kept { get; init; }
    public required string Verdict { get; init; }

    /// <summary>
    /// What the candidates were, for the output: "the best 10 trials", or, when they come from several trainers,
    /// "10 trials from 3 trainers (a, b, c: each trainer's best trial, then the best others)".
    /// </summary>
    public string DescribeCandidates(SearchSpace space)
    {
        var families = CandidateTrials.Select(EnsembleBuilder.Family).Distinct().ToArray();
        var trainer = space.Parameters.FirstOrDefault(p => p.Name == TrialConfiguration.TrainerParameter);
        if (families.Length < 2 || trainer is null) return $"the best {Candidates} trials";
        return $"{Candidates} trials from {families.Length} trainers ({string.Join(", ", families.Select(f => f is { } v ? trainer.Format(v) : "the spec's trainer"))}: "
            + "each trainer's best trial, then the best others)";
    }
}

/// <summary>
/// Builds the ensemble of a finished study: the out-of-fold predictions of <see cref="CandidateCount"/> completed
/// trials (<see cref="CandidatePool"/>: the best of each trainer searched, then the best others) go through
/// <see cref="CaruanaSelection"/>; the chosen members are refitted on all search rows,
/// blended by <see cref="EnsembleModel"/> and scored on the held-back rows the search never saw, beside the single best
/// trial scored the same way. Whether the ensemble is kept is decided on the out-of-fold rows alone
/// (<see cref="CrossFittedKeepRule"/>); the held-back score is the headline of whatever was kept.
/// </summary>
internal static class EnsembleBuilder
{
    /// <summary>How many trials keep their out-of-fold predictions and are candidates (<see cref="CandidatePool"/>).</summary>
    public const int CandidateCount = 10;

    /// <summary>Selection steps (members, counted with repetition).</summary>
    public const int Steps = 20;

    /// <summary>
    /// The candidates (and the trials whose out-of-fold files are kept), best first. When the study searched the trainer
    /// and more than one trainer completed a trial, the best trial of each trainer comes in first (best trainers first,
    /// at most <see cref="CandidateCount"/>), then the best remaining trials overall up to <see cref="CandidateCount"/>:
    /// blending needs models that differ, and the best 10 overall are often near-copies of one trainer (benchmarks §9).
    /// With one trainer (or a space that does not search it) they are the best <see cref="CandidateCount"/> trials
    /// (ties: the earlier trial), as before. Either way the list is in rank order, so selection starts from the best
    /// single trial and breaks ties by rank. The starting trial (trial 1, the spec's own or the pinned configuration) is
    /// a candidate like any trial when <paramref name="startingMember"/> gives its values (<see cref="StartingPoint.AsMember"/>):
    /// it then stands in the pool with them, so a member made of it is pinned and rebuilt with exactly those values.
    /// </summary>
    public static IReadOnlyList<TrialRecord> CandidatePool(StudyResult result, Configuration? startingMember)
    {
        var ranked = result.Completed
            .Select(t => !t.Configuration.IsStartingPoint ? t : startingMember is null ? null : t with { Configuration = startingMember })
            .OfType<TrialRecord>()
            .OrderBy(t => result.Study.HigherIsBetter ? -t.Value!.Value : t.Value!.Value).ThenBy(t => t.Number).ToArray();
        // GroupBy keeps the order in which the keys first appear: each trainer's best trial, best trainers first.
        var bestOfEach = ranked.GroupBy(Family).Select(g => g.First()).Take(CandidateCount).ToArray();
        if (bestOfEach.Length < 2) return ranked.Take(CandidateCount).ToArray();
        var chosen = bestOfEach.Concat(ranked.Except(bestOfEach)).Take(CandidateCount).ToHashSet();
        return ranked.Where(chosen.Contains).ToArray();
    }

    /// <summary>A trial's trainer family: the index of its 'trainer' choice, or null when the space does not search the trainer.</summary>
    public static double? Family(TrialRecord trial) =>
        trial.Configuration.TryGetValue(TrialConfiguration.TrainerParameter, out var trainer) ? trainer : null;

    /// <summary>Null with <paramref name="notBuilt"/> set when there is nothing to ensemble (and why).</summary>
    public static EnsembleReport? Build(ITunablePipeline pipeline, StudyResult result, string oofDirectory, string searchFile, string holdbackFile,
        int mlSeed, double? singleHoldback, List<string> warnings, out string? notBuilt)
    {
        notBuilt = null;
        var study = result.Study;
        // Trial 1 as a candidate. When it is the study's best the lock pins its values as the single winner, so a member
        // that sets nothing over them is exactly trial 1 (any space, 'auto' values included); otherwise it needs the values
        // it was built with (StartingPoint.AsMember), and without them it is no candidate.
        string? startingNotCandidate = null;
        var startingMember = result.Best is { Configuration.IsStartingPoint: true } startingBest
            ? startingBest.Configuration
            : StartingPoint.AsMember(pipeline, new SearchSpace(pipeline.Tuning.Space), out startingNotCandidate);
        var top = CandidatePool(result, startingMember);
        OutOfFoldStore.Prune(oofDirectory, top.Select(t => t.Number).ToHashSet());
        var loaded = top.Select(t => (Trial: t, Oof: OutOfFoldStore.TryReadWithClasses(OutOfFoldStore.PathOf(oofDirectory, t.Number)))).Where(x => x.Oof is not null).ToArray();
        if (loaded.Length < 2)
        {
            notBuilt = $"{loaded.Length} trial(s) have out-of-fold predictions (trials journaled by an earlier session without --ensemble have none{(startingNotCandidate is not null && result.Trials.Any(t => t.Configuration.IsStartingPoint) ? $"; the starting trial (trial 1) is not a candidate: {startingNotCandidate}" : "")}); an ensemble needs 2 or more";
            return null;
        }
        var labels = loaded[0].Oof!.Value.Labels;
        string kind = loaded[0].Oof!.Value.Kind;
        // Multiclass: a row's K class probabilities side by side (row-major); every candidate must name the same classes.
        var classNames = loaded[0].Oof!.Value.Classes;
        int width = Math.Max(1, classNames.Length);
        if (loaded.Any(l => l.Oof!.Value.Kind != kind || l.Oof.Value.Labels.Length != labels.Length || !l.Oof.Value.Classes.SequenceEqual(classNames)))
        {
            notBuilt = "the trials' out-of-fold predictions are not comparable (different rows or kinds)";
            return null;
        }
        // Only rows every candidate predicted (all rows under K-fold; the validation rows under a holdout).
        var rows = Enumerable.Range(0, labels.Length)
            .Where(r => !double.IsNaN(labels[r]) && loaded.All(l => Enumerable.Range(0, width).All(k => !double.IsNaN(l.Oof!.Value.Predictions[r * width + k])))).ToArray();
        var selectionLabels = rows.Select(r => labels[r]).ToArray();
        // One scorer factory: for the selection on all these rows and for the keep rule's halves.
        Func<double[], double>? ScorerFor(double[] subset, out string? why) => kind == "classes"
            ? OutOfFoldMetrics.ForClasses(study.Metric, subset, width, out why)
            : OutOfFoldMetrics.For(study.Metric, subset, kind == "probability", out why, pipeline.Settings.DecisionThreshold);
        var scorer = ScorerFor(selectionLabels, out var reason);
        if (scorer is null) { notBuilt = reason; return null; }
        // Averaging the candidates' vectors element by element averages each class's probability (multiclass) or the prediction.
        var candidates = loaded.Select(l => new EnsembleCandidate(l.Trial.Number,
            rows.SelectMany(r => Enumerable.Range(0, width).Select(k => l.Oof!.Value.Predictions[r * width + k])).ToArray())).ToArray();
        var selection = CaruanaSelection.Select(candidates, scorer, study.HigherIsBetter, Steps);
        var members = selection.Members.Select(m => new EnsembleMember(m.Trial, m.Weight, top.First(t => t.Number == m.Trial).Configuration)).ToArray();

        double? holdback = null;
        string verdict;
        KeepDecision? keep = null;
        if (members.Length == 1)
        {
            verdict = $"no blend beat the best single model on the out-of-fold predictions ({study.Metric} {PipelineTuner.F(selection.BestSingleScore)}); the single model is kept";
        }
        else
        {
            // The kept decision reads only the out-of-fold rows (CrossFittedKeepRule); the held-back rows then score what
            // was kept, once, for the headline.
            bool classification = pipeline.Settings.Task is MlTaskKind.BinaryClassification or MlTaskKind.MulticlassClassification;
            keep = CrossFittedKeepRule.Decide(candidates, selectionLabels, width,
                subset => ScorerFor(subset, out _),
                study.HigherIsBetter, stratify: classification, study.Seed, study.Metric, winnerTrial: result.Best?.Number);
            var ml = new MLContext(mlSeed);
            var search = pipeline.LoadData(ml, searchFile);
            ITransformer ensemble;
            try { ensemble = Fit(pipeline, members, ml, search); }
            catch (NotSupportedException e) { notBuilt = e.Message; return null; } // e.g. a label key type ClassKeys does not read
            var scored = ensemble.Transform(pipeline.LoadData(ml, holdbackFile));
            holdback = MetricComputer.Compute(ml, pipeline.Settings.Task, scored, "ensemble, held-back rows", warnings, pipeline.Settings.DecisionThreshold)[study.Metric];
            verdict = keep.Reason;
            // The keep rule compares the blend with the best candidate, and the starting trial is one like any trial when it
            // is the study's best. Only when its out-of-fold predictions are missing (journaled by a session without
            // --ensemble) was the blend shown to beat only trials the winner beat, never the winner: then it is not kept.
            // A candidate that ties the starting trial's search score (the same configuration proposed again) is as good
            // by the study's own rule, so a blend that beats it was compared with the winner's equal.
            if (keep.Kept && result.Best is { Configuration: { IsStartingPoint: true, Origin: { } origin } } best
                && loaded.All(l => l.Trial.Number != best.Number) && loaded[0].Trial.Value != best.Value)
            {
                keep = keep with
                {
                    Kept = false,
                    Reason = $"the ensemble is not kept: the starting trial (trial {best.Number + 1}, {StartingPoint.Label(origin)}) is the study's best and is not an ensemble candidate ({startingNotCandidate ?? "no out-of-fold predictions of it were kept: it ran in a session without --ensemble"}), "
                        + $"so the blend was compared only with the best of the trials it beat (blend − that trial {CrossFittedKeepRule.FormatDifference(keep.MeanDifference ?? 0)} {study.Metric} "
                        + $"on average over the cross-fitted comparisons, {keep.Favoured} of {keep.Compared} favoured the blend), never with the winner; the winner, trial {best.Number + 1}, is kept",
                };
                verdict = keep.Reason;
            }
        }
        bool kept = keep is { Kept: true };
        return new EnsembleReport
        {
            Members = members,
            Candidates = candidates.Length,
            CandidateTrials = loaded.Select(l => l.Trial).ToArray(),
            SelectionRows = rows.Length,
            OutOfFoldScore = selection.Score,
            BestSingleOutOfFoldScore = selection.BestSingleScore,
            ScoreByStep = selection.ScoreByStep,
            Picks = selection.Picks,
            HoldbackScore = holdback,
            SingleHoldbackScore = singleHoldback,
            Keep = keep,
            Kept = kept,
            Verdict = verdict,
        };
    }

    /// <summary>Fits every member on <paramref name="data"/> with its configuration and blends them into one model.</summary>
    public static ITransformer Fit(ITunablePipeline pipeline, IReadOnlyList<EnsembleMember> members, MLContext ml, IDataView data) =>
        EnsembleModel.Compose(ml, pipeline.Settings.Task, data.Schema,
            members.Select(m => (pipeline.WithHyperparameters(m.Configuration).BuildPipeline(ml).Fit(data), m.Weight)).ToArray(), data);
}
