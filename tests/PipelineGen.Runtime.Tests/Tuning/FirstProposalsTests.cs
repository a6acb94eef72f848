using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>
/// The default space's portfolio (<see cref="TuningSettings.StartingConfigurations"/>): proposed right after the starting
/// trial, before the sampler's own proposals, which stay exactly those of a study without it. A cheap known objective.
/// </summary>
public sealed class FirstProposalsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-first-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // A trainer choice with one parameter per branch, as the generated default space has it.
    private static readonly SearchParameter[] Parameters =
    [
        SearchParameter.Labelled("trainer", "a", "b"),
        SearchParameter.Range("a.x", HyperparameterType.Float, -5, 5).When("trainer", 0),
        SearchParameter.Range("b.n", HyperparameterType.Int, 1, 64, log: true).When("trainer", 1),
    ];

    private static readonly SearchSpace Space = new(Parameters);

    private static TuningSettings Tuning(params IReadOnlyDictionary<string, double>[] first) => new() { Space = Parameters, StartingConfigurations = first };

    private static readonly Dictionary<string, double> DeepB = new() { ["trainer"] = 1, ["b.n"] = 64 };

    private static TrialOutcome Objective(Configuration c) => c.IsStartingPoint ? new(0.3, 0.01, 5)
        : c["trainer"] == 0 ? new(Math.Pow(c["a.x"] - 1, 2), 0.01, 5) : new(Math.Abs(Math.Log(c["b.n"]) - 2), 0.01, 5);

    private static StudyInfo NewStudy(string id, string fingerprint) =>
        new(id, "P", "spec", "data", fingerprint, "bayesian", 3, "rmse", false, DateTimeOffset.UtcNow) { StartingPoint = StartingPoint.Spec };

    [Fact]
    public void The_portfolio_follows_the_starting_trial_and_the_sampler_s_proposals_follow_it_unchanged()
    {
        var tuning = Tuning(DeepB);
        var first = FirstProposalsSampler.Wrap(new TpeSampler(3), tuning, Space);
        var sampler = new StartingPointSampler(first, StartingPoint.Spec);
        using var journal = new TuningJournal(Path.Combine(_dir, "s.db"));
        var study = NewStudy("s", FirstProposalsSampler.Fingerprint(Space, first));
        journal.CreateStudy(study);
        var result = StudyRunner.Run(study, Space, sampler, journal, 15, null, Objective);

        Assert.Equal(15, result.Trials.Count);
        Assert.True(result.Trials[0].Configuration.IsStartingPoint);
        // Trial 2 is the portfolio's configuration: a proposal (no origin), with every value of its branch.
        var second = result.Trials[1].Configuration;
        Assert.False(second.IsStartingPoint);
        Assert.Equal("trainer=b, b.n=64", second.Describe(Space));

        // The 13 after it are exactly those of a study of 14 with no portfolio: the sampler's sequence is shifted, not changed.
        using var plain = new TuningJournal(Path.Combine(_dir, "p.db"));
        var without = NewStudy("p", Space.Fingerprint());
        plain.CreateStudy(without);
        var reference = StudyRunner.Run(without, Space, new StartingPointSampler(new RandomSampler(3), StartingPoint.Spec), plain, 14, null, Objective);
        using var randomJournal = new TuningJournal(Path.Combine(_dir, "r.db"));
        var firstRandom = FirstProposalsSampler.Wrap(new RandomSampler(3), tuning, Space);
        var withRandom = NewStudy("r", FirstProposalsSampler.Fingerprint(Space, firstRandom));
        randomJournal.CreateStudy(withRandom);
        var random = StudyRunner.Run(withRandom, Space, new StartingPointSampler(firstRandom, StartingPoint.Spec), randomJournal, 15, null, Objective);
        Assert.Equal(reference.Trials.Skip(1).Select(t => (t.Number + 1, t.Configuration.Describe(Space))),
                     random.Trials.Skip(2).Select(t => (t.Number, t.Configuration.Describe(Space))));
    }

    [Fact]
    public void The_portfolio_trial_reaches_the_sampler_as_an_observation()
    {
        // TPE sees the portfolio's trial as an observation like any proposal (it is a point of the space): after its
        // start-up trials its proposals differ from those of a TPE that never saw it.
        var finished = new[] { new FinishedTrial(0, new Configuration(DeepB), 0.01) };
        var wrapped = FirstProposalsSampler.Wrap(new TpeSampler(3), Tuning(DeepB), Space);
        Assert.Equal(new Configuration(DeepB), wrapped.Propose(Space, 0, []));
        Assert.Equal(new TpeSampler(3).Propose(Space, 0, [new FinishedTrial(-1, new Configuration(DeepB), 0.01)]),
                     wrapped.Propose(Space, 1, finished));
    }

    [Fact]
    public void A_grid_gets_no_portfolio_and_one_that_is_no_point_of_the_space_is_refused()
    {
        var grid = FirstProposalsSampler.Wrap(new GridSampler(1), Tuning(DeepB), Space);
        Assert.IsType<GridSampler>(grid);
        Assert.Equal(Space.Fingerprint(), FirstProposalsSampler.Fingerprint(Space, grid));
        Assert.IsType<RandomSampler>(FirstProposalsSampler.Wrap(new RandomSampler(1), Tuning(), Space));

        // Outside the range, a value of the other branch, or a branch value missing: a build defect, said, never run.
        foreach (var bad in new Dictionary<string, double>[]
                 {
                     new() { ["trainer"] = 1, ["b.n"] = 65 },
                     new() { ["trainer"] = 1, ["b.n"] = 8, ["a.x"] = 0 },
                     new() { ["trainer"] = 0 },
                 })
        {
            var e = Assert.Throws<InvalidOperationException>(() => FirstProposalsSampler.Wrap(new RandomSampler(1), Tuning(bad), Space));
            Assert.Contains("is not a point of the search space", e.Message);
        }
    }

    [Fact]
    public void A_study_journaled_without_the_portfolio_is_told_apart_from_one_with_it()
    {
        var with = FirstProposalsSampler.Fingerprint(Space, FirstProposalsSampler.Wrap(new RandomSampler(1), Tuning(DeepB), Space));
        Assert.NotEqual(Space.Fingerprint(), with);
        Assert.StartsWith(Space.Fingerprint(), with);
        Assert.EndsWith("; first: trainer=b, b.n=64", with);
        Assert.Equal(Space.Fingerprint(), FirstProposalsSampler.Fingerprint(Space, FirstProposalsSampler.Wrap(new RandomSampler(1), Tuning(), Space)));
    }
}
