using System.CommandLine;
using System.Globalization;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Exploration;
using PipelineGen.Runtime.Runs;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// <c>run</c>: the whole workflow (explore, baseline + evaluate, curve, optional tuning, train, test). Each step is
/// recorded as its own run; the first failure stops the workflow with that step's exit code. The steps themselves are
/// the typed steps the other commands use.
/// </summary>
internal sealed class RunCommandContributor : ICommandContributor
{
    public void Contribute(RootCommand root, CommandServices services)
    {
        var force = new Option<bool>("--force-test") { Description = "Let the final test step look at an already-evaluated test set (recorded in the card)." };
        var ignoreFindings = new Option<bool>("--ignore-explore-findings") { Description = "Continue even when explore reports a serious finding (e.g. possible target leakage)." };
        var command = new Command("run", "The whole workflow: explore, baseline + evaluate, curve, train (at the curve's capacity unless the spec pins it), test. Stops (exit 1) when the model does not beat the baseline.");
        command.Options.Add(force);
        command.Options.Add(ignoreFindings);
        command.Options.Add(services.Options.Seed);
        command.SetAction(parse => new Workflow(services, parse.GetValue(force), parse.GetValue(ignoreFindings), parse.GetValue(services.Options.Seed)).Run());
        root.Subcommands.Add(command);
    }

    /// <summary>One run of the workflow: what the steps hand each other (the evaluation, the curve's capacity).</summary>
    private sealed class Workflow(CommandServices services, bool forceTest, bool ignoreExploreFindings, int? seed)
    {
        private readonly IPipelineDefinition _pipeline = services.Pipeline;
        private PipelineSettings Settings => _pipeline.Settings;
        private EvaluationResult? _evaluation;
        private string? _evaluateRunId;
        private CapacityChoice? _capacity;

        public int Run()
        {
            Banner(1, "explore");
            if (Explore() is { } exploreStop) return exploreStop;
            Banner(2, "baseline + evaluate (same splits)");
            if (Evaluate() is { } evaluateStop) return evaluateStop;
            Banner(3, "curve");
            if (Curve() is { } curveStop) return curveStop;
            // With a 'tune' section the study runs here and the final model is fitted with its winner (see TuningCommandContributor).
            var finalPipeline = TuningCommandContributor.RunInWorkflow(services, seed, out var tuneExit, out var ensemble);
            if (tuneExit != ExitCodes.Ok) return Stop(tuneExit, "tuning found no working configuration or could not run (see above).");
            if (ensemble is not null && _capacity is not null)
            {
                // The members keep their own values: one capacity on all of them would train a blend nobody measured.
                if (_capacity.Used != _capacity.SpecValue)
                    services.Output.WriteLine($"The ensemble's members keep their own hyperparameters: the curve's capacity choice ({_capacity.Parameter}={_capacity.Used}, measured on the spec's single configuration) is not applied to them.");
                _capacity = null;
            }
            else if (!ReferenceEquals(finalPipeline, _pipeline) && _capacity is not null)
            {
                // The study searched the hyperparameters together; overriding one of them with the curve's choice afterwards
                // would train a configuration nobody evaluated.
                services.Output.WriteLine($"The tuned winner's hyperparameters are used as they are: the curve's capacity choice ({_capacity.Parameter}={_capacity.Used}) is not applied on top of them.");
                _capacity = null;
            }
            Banner(4, "train");
            if (Train(finalPipeline, ensemble) is { } trainStop) return trainStop;
            Banner(5, "test");
            return Test();
        }

        private void Banner(int step, string title) => services.Output.WriteLine($"{Environment.NewLine}== {step}/5 {title} ==");

        private int Stop(int exitCode, string why)
        {
            services.Error.WriteLine($"run stopped: {why}");
            return exitCode;
        }

        /// <summary>Null to go on, else the exit code to stop with.</summary>
        private int? Explore()
        {
            var exploreHtml = Path.Combine(Settings.ResolvePath("."), ".pipelinegen", "reports", Settings.Name + ".explore.html");
            Directory.CreateDirectory(Path.GetDirectoryName(exploreHtml)!);
            var explored = services.RunStep("explore", _ => ExploreCommand.Run(_pipeline,
                new ExploreOptions { OutputHtmlPath = exploreHtml, Seed = seed ?? Settings.Seed }, services.Output));
            if (explored == ExitCodes.BadInput) return Stop(explored, "explore could not read the data (see above).");
            if (explored == ExitCodes.CheckFailed && !ignoreExploreFindings)
                return Stop(explored, "explore reported a serious finding (see above). Fix the data or spec, or rerun with --ignore-explore-findings.");
            return null;
        }

        private int? Evaluate()
        {
            var evaluated = services.RunStep("evaluate", record =>
            {
                _evaluateRunId = record.RunId;
                var evaluation = _evaluation = services.WithProgress("Evaluating", report =>
                    Evaluator.Evaluate(_pipeline, new EvaluationOptions { Seed = seed, CollectForReport = true, Progress = p => report(p.Completed, p.Total, p.Split) }));
                foreach (var (name, value) in evaluation.Parameters()) record.Parameters[name] = value;
                record.Metrics.AddRange(EvaluationCommandContributor.ToRunMetrics(evaluation));
                EvaluationReportWriter.Write(services.Console, evaluation, record.RunId);
                EvaluationCommandContributor.WriteHtml(services, evaluation, record.RunId);
                var verdict = evaluation.Comparison!.Verdict;
                record.Outcome = verdict == Verdict.BeatsBaseline ? "beats-baseline" : verdict == Verdict.DoesNotBeatBaseline ? "does-not-beat-baseline" : "inconclusive";
                record.Message = evaluation.Comparison.Explanation;
                return verdict == Verdict.BeatsBaseline ? ExitCodes.Ok : ExitCodes.CheckFailed;
            });
            if (evaluated == ExitCodes.Ok && _evaluation is not null) return null;
            return Stop(evaluated, evaluated != ExitCodes.CheckFailed || _evaluation?.Comparison is not { } comparison
                ? "evaluation failed (see above)."
                : comparison.Verdict == Verdict.DoesNotBeatBaseline
                    ? $"the model does not beat the {_evaluation.BaselineStrategy} baseline by more than the noise between splits ({comparison.Explanation}). Improve the features or the trainer before training a final model."
                    : $"the model has not been shown to beat the {_evaluation.BaselineStrategy} baseline: {comparison.Explanation} No final model was trained.");
        }

        private int? Curve()
        {
            CapacityCurveResult? curve = null;
            var curved = services.RunStep("curve", record =>
            {
                using var progress = services.Interactive ? new ElapsedLine(services.Error, "curve") : null;
                int exit = CapacityCurve.Run(_pipeline, new CurveOptions
                {
                    Metric = _evaluation!.PrimaryMetric, Protocol = new EvaluationOptions { Seed = seed }, Phase = progress is null ? null : progress.Phase,
                }, services.Output, services.Error, out curve);
                if (curve is not null)
                {
                    record.Parameters["chosen_capacity"] = curve.ChosenCapacity.ToString(CultureInfo.InvariantCulture);
                    record.Outcome = CapacityCurve.OutcomeName(curve.Verdict);
                    record.Message = curve.Message;
                }
                return exit;
            });
            if (curved != ExitCodes.Ok) return Stop(curved, "the capacity curve failed (see above).");
            // The final model takes the curve's capacity unless the spec pins it; either way the output and the card say which and why.
            _capacity = CapacityChoice.Decide(_pipeline, curve);
            if (_capacity is not null) services.Output.WriteLine($"Capacity for the final model: {_capacity.Reason}");
            return null;
        }

        private int? Train(IPipelineDefinition finalPipeline, IReadOnlyList<Tuning.Ensembles.EnsembleMember>? ensemble)
        {
            var evaluation = _evaluation!;
            var capacity = _capacity;
            var trained = services.RunStep("train", record =>
            {
                record.Parameters["model"] = ModelStore.DefaultModelPath(Settings);
                // Measured in this process for this very pipeline: the context is the pipeline's own.
                // (With a tuned winner the context differs from the trained pipeline's hyperparameters, so the card says the model was not evaluated.)
                var context = RunContext.Of(_pipeline, evaluation.DataPath).ToEvaluationContext(_evaluateRunId);
                if (capacity is not null) record.Parameters["capacity"] = $"{capacity.Parameter}={capacity.Used} ({capacity.Source})";
                var blend = ensemble is not null && finalPipeline is Tuning.ITunablePipeline tunable ? new Tuning.Ensembles.EnsemblePipeline(tunable, ensemble) : null;
                // The study this run just pinned: its id and held-back score go in the card (this build's code predates the lock).
                var study = !ReferenceEquals(finalPipeline, _pipeline) && _pipeline is Tuning.ITunablePipeline tuned
                    ? TuningProvenance.FromLockFile(tuned.LockFilePath, ensembleTrained: blend is not null) : null;
                record.ContextPipeline = blend;
                using var progress = services.Interactive ? new ElapsedLine(services.Error, "train") : null;
                return TrainStep.Run(finalPipeline, new TrainOptions { SpecHash = TrainingCommandContributor.SpecHashOf(_pipeline), Evaluation = EvaluationSummaries.From(evaluation, context), Capacity = capacity, Ensemble = blend, Tuning = study, MeasureWhenUnevaluated = true, Phase = progress is null ? null : progress.Phase }, services.Output, services.Error,
                    result => TrainingCommandContributor.RecordTrained(record, result));
            });
            if (trained == ExitCodes.CheckFailed)
                return Stop(trained, "the new model was not made current (a gate failed, or it is worse than the current model; see above). It is kept as a candidate; the test step did not run.");
            if (trained != ExitCodes.Ok) return Stop(trained, "training the final model failed (see above).");
            return null;
        }

        private int Test()
        {
            var evaluation = _evaluation!;
            if (Settings.TestDataPath is null)
            {
                services.Output.WriteLine("Skipped: the spec names no test data. The evaluate estimate above is the model's estimate.");
                return ExitCodes.Ok;
            }
            // The one look goes into the evaluation report beside the cross-validated estimate it should agree with —
            // only when that estimate is the tested model's: after tune (a winner or an ensemble) or a capacity change
            // the evaluate step above measured another configuration, and a "disagreement" with it would mean nothing.
            var looked = false;
            var tested = services.RunStep("test", record => TrainingCommandContributor.RunTest(services, record, new TestOptions { Force = forceTest }, look =>
            {
                looked = true;
                var card = ModelCard.TryRead(Path.GetFullPath(ModelStore.DefaultModelPath(Settings)));
                if (card is null || card.Metrics is null || card.EvaluationRunId != _evaluateRunId)
                {
                    // train measured the model itself (tuned, an ensemble, another capacity): the card's estimate is the one.
                    if (card?.BesideEstimate(look) is { } beside)
                        services.Output.WriteLine($"Beside the card's estimate (measured by train for this very model; the evaluate step above measured another configuration): {beside.Replace("**", "")}");
                    else
                        services.Output.WriteLine("Note: the test look is not compared with the evaluate estimate above: that estimate is of "
                            + $"another configuration than the model under test ({card?.NotEvaluatedReason ?? "the model's card names no evaluation from this run"}). The look is in the model card.");
                    return;
                }
                var figures = TestSetFigures.Of(look);
                foreach (var note in EvaluationHtml.ConsoleNotes(evaluation.Model, evaluation.PrimaryMetric, figures))
                    services.Output.WriteLine(note);
                EvaluationHtml.Write(evaluation, EvaluationHtml.DefaultPath(Settings), figures);
                services.Output.WriteLine($"Report (with the test look): {new Uri(Path.GetFullPath(EvaluationHtml.DefaultPath(Settings))).AbsoluteUri}");
            }));
            if (tested != ExitCodes.Ok)
                return Stop(tested, tested != ExitCodes.CheckFailed ? "the test step failed (see above)."
                    : looked ? "the test file repeats training rows, so its metrics are inflated (see above); the new model is saved."
                    : "the test set was already evaluated (see above); the new model is saved. Use --force-test to look again (recorded).");
            services.Output.WriteLine($"{Environment.NewLine}Done: model and card in {Path.GetDirectoryName(ModelStore.DefaultModelPath(Settings))}.");
            return ExitCodes.Ok;
        }
    }
}
