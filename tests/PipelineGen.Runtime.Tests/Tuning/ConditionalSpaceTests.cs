using PipelineGen.Runtime.Tuning;
using Xunit;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>Conditional spaces (the trainer searched, each trainer's parameters active only in its branch) under every sampler.</summary>
public class ConditionalSpaceTests
{
    /// <summary>Three "trainers": a (x in [-5, 5]), b (y in [0, 10] log-free, z a whole number), c (no parameters).</summary>
    private static SearchSpace Space() => new([
        SearchParameter.Labelled("trainer", "a", "b", "c"),
        SearchParameter.Range("a.x", HyperparameterType.Float, -5, 5).When("trainer", 0),
        SearchParameter.Range("b.y", HyperparameterType.Float, 0, 10).When("trainer", 1),
        SearchParameter.Range("b.z", HyperparameterType.Int, 1, 4).When("trainer", 1),
        SearchParameter.Choice("prepare.flag", HyperparameterType.Bool, 0, 1),
    ]);

    /// <summary>Minimum 0.2 at trainer b, y = 7, z = 2 (whatever the flag); branch a's best is 1, c is a flat 3.</summary>
    private static double Objective(Configuration c) => c["trainer"] switch
    {
        0 => Math.Pow(c["a.x"] - 1, 2) + 1,
        1 => 0.5 * Math.Pow(c["b.y"] - 7, 2) + Math.Abs(c["b.z"] - 2) + 0.2,
        _ => 3,
    };

    private static void AssertOnlyActive(Configuration c)
    {
        var trainer = (int)c["trainer"];
        Assert.Equal(trainer == 0, c.ContainsKey("a.x"));
        Assert.Equal(trainer == 1, c.ContainsKey("b.y"));
        Assert.Equal(trainer == 1, c.ContainsKey("b.z"));
        Assert.True(c.ContainsKey("prepare.flag"));
    }

    private static List<FinishedTrial> Run(ISampler sampler, int budget)
    {
        var space = Space();
        var finished = new List<FinishedTrial>();
        for (int i = 0; i < budget; i++)
        {
            var config = sampler.Propose(space, i, finished);
            if (config is null) break;
            finished.Add(new FinishedTrial(i, config, Objective(config)));
        }
        return finished;
    }

    [Fact]
    public void Random_and_tpe_never_propose_a_parameter_of_a_branch_not_chosen()
    {
        foreach (var sampler in new ISampler[] { new RandomSampler(3), new TpeSampler(3) })
        {
            var trials = Run(sampler, 60);
            Assert.Equal(60, trials.Count);
            foreach (var t in trials) AssertOnlyActive(t.Configuration);
            // Every branch is visited (the start-up trials are uniform over the trainers).
            Assert.Equal(3, trials.Select(t => t.Configuration["trainer"]).Distinct().Count());
        }
    }

    [Fact]
    public void Grid_counts_branches_as_a_sum_and_enumerates_each_configuration_once()
    {
        var space = Space();
        var grid = new GridSampler(5);
        // a: 5 points of x; b: 5 of y times 4 of z; c: 1. Times 2 flags.
        Assert.Equal((5 + 5 * 4 + 1) * 2, grid.Size(space));
        var trials = Run(grid, 1000);
        Assert.Equal(52, trials.Count);
        foreach (var t in trials) AssertOnlyActive(t.Configuration);
        Assert.Equal(52, trials.Select(t => string.Join(";", t.Configuration.Select(kv => $"{kv.Key}={kv.Value}"))).Distinct().Count());
        Assert.Equal(2, trials.Count(t => t.Configuration["trainer"] == 2));
        // The point count of the space itself: x and y are continuous.
        Assert.Null(space.PointCount);
    }

    [Fact]
    public void Point_count_of_a_discrete_conditional_space_sums_the_branches()
    {
        var space = new SearchSpace([
            SearchParameter.Labelled("trainer", "a", "b"),
            SearchParameter.Range("a.n", HyperparameterType.Int, 1, 3).When("trainer", 0),
        ]);
        Assert.Equal(4, space.PointCount);
        var one = new SearchSpace([SearchParameter.Labelled("trainer", "a")]);
        Assert.Equal(1, one.PointCount);
    }

    [Fact]
    public void Tpe_beats_random_on_a_conditional_function_over_several_seeds()
    {
        var seeds = Enumerable.Range(200, 11).ToArray();
        var tpe = seeds.Select(s => Run(new TpeSampler(s), 50).Min(t => t.Loss!.Value)).ToArray();
        var random = seeds.Select(s => Run(new RandomSampler(s), 50).Min(t => t.Loss!.Value)).ToArray();
        double Median(double[] v) { var o = v.OrderBy(x => x).ToArray(); return o[o.Length / 2]; }
        Assert.True(Median(tpe) < Median(random), $"TPE median {Median(tpe)} vs random {Median(random)}");
        Assert.True(seeds.Select((_, i) => tpe[i] < random[i]).Count(w => w) >= 7,
            $"TPE won on {seeds.Select((_, i) => tpe[i] < random[i]).Count(w => w)} of 11 seeds; tpe [{string.Join(", ", tpe)}] random [{string.Join(", ", random)}]");
    }

    [Fact]
    public void Labelled_choices_print_their_names_and_conditions_are_in_the_fingerprint()
    {
        var space = Space();
        var config = new Configuration { ["trainer"] = 1, ["b.y"] = 7, ["b.z"] = 2, ["prepare.flag"] = 1 };
        Assert.Equal("trainer=b, b.y=7, b.z=2, prepare.flag=true", config.Describe(space));
        Assert.Contains("b.y in [0, 10] if trainer=1", space.Fingerprint());
        Assert.Equal(1, space.Parameters[0].IndexOf("b"));
    }

    [Fact]
    public void A_condition_on_an_undeclared_or_later_parameter_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new SearchSpace([
            SearchParameter.Range("a.x", HyperparameterType.Float, 0, 1).When("trainer", 0),
            SearchParameter.Labelled("trainer", "a", "b"),
        ]));
        Assert.Contains("not declared before it", e.Message);
        e = Assert.Throws<ArgumentException>(() => new SearchSpace([
            SearchParameter.Labelled("trainer", "a", "b"),
            SearchParameter.Range("a.x", HyperparameterType.Float, 0, 1).When("trainer", 5),
        ]));
        Assert.Contains("not one of its choices", e.Message);
    }
}
