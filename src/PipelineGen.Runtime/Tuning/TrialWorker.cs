using System.Collections.Concurrent;
using System.Text.Json;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// The worker side of <c>tune --workers</c> (hidden command <c>tune-worker</c>): one process serves many trials. Each
/// line read from the input is a <see cref="TrialRequest"/> as JSON; each answer is one line on the output,
/// <see cref="ResultMarker"/> followed by a <see cref="TrialResponse"/> as JSON. The .NET start-up, ML.NET's JIT and
/// loading the pipeline are paid once per worker instead of once per trial.
/// </summary>
/// <remarks>
/// Nothing is kept between trials: <see cref="PipelineTuner.Evaluate"/> reads the data and builds a fresh, seeded
/// MLContext per split, exactly as an in-process trial does, so a trial's value does not depend on what the process ran
/// before. The input ending means the parent is gone (or done): between trials the loop returns; during a trial
/// <c>inputClosedDuringTrial</c> is called (the command ends the process: nobody will read the result).
/// </remarks>
internal static class TrialWorker
{
    /// <summary>Starts an answer line. Native code (LightGBM) may print to the same stdout, so the reader looks for this marker.</summary>
    public const string ResultMarker = "@pipelinegen-trial-result ";

    /// <summary>Serves requests until the input ends; returns how many trials it answered.</summary>
    public static int Serve(ITunablePipeline pipeline, TextReader input, TextWriter output, Action? inputClosedDuringTrial = null)
    {
        using var requests = new BlockingCollection<string>();
        var gate = new object();
        bool busy = false, closed = false;
        // The input is read on its own thread so its end is seen even while a trial runs (a parent killed mid-trial).
        var reader = new Thread(() =>
        {
            try
            {
                string? line;
                while ((line = input.ReadLine()) is not null)
                    if (line.Length > 0) requests.Add(line);
            }
            catch (IOException) { /* the pipe broke: same as its end */ }
            bool kill;
            lock (gate) { closed = true; kill = busy; }
            requests.CompleteAdding();
            if (kill) inputClosedDuringTrial?.Invoke();
        })
        { IsBackground = true, Name = "PipelineGen tune-worker input" };
        reader.Start();

        int served = 0;
        foreach (var line in requests.GetConsumingEnumerable())
        {
            lock (gate)
            {
                if (closed) break; // the parent is gone: nobody would read this trial's result
                busy = true;
            }
            TrialResponse response;
            try
            {
                response = Respond(pipeline, JsonSerializer.Deserialize<TrialRequest>(line)
                    ?? throw new JsonException("null"));
            }
            catch (JsonException e)
            {
                response = new TrialResponse(null, null, 0, $"the worker could not read the trial request ({e.Message})");
            }
            lock (gate) busy = false;
            try
            {
                output.WriteLine(ResultMarker + JsonSerializer.Serialize(response with { WorkerPid = Environment.ProcessId }));
                output.Flush();
            }
            catch (IOException) { break; } // the parent closed its end
            served++;
        }
        return served;
    }

    /// <summary>One trial with the same code as an in-process trial; a configuration the trainer rejects is an error in the response.</summary>
    public static TrialResponse Respond(ITunablePipeline pipeline, TrialRequest request)
    {
        try
        {
            var outcome = PipelineTuner.Evaluate(pipeline, new Configuration(request.Params), request.Data, request.Seed, request.Metric, request.OutOfFoldPath, request.Fraction);
            return new TrialResponse(double.IsFinite(outcome.Value) ? outcome.Value : null, outcome.StdDev, outcome.Splits,
                double.IsFinite(outcome.Value) ? null : outcome.UndefinedReason(request.Metric));
        }
        catch (Exception e) when (e is not (OutOfMemoryException or Data.DataValidationException))
        {
            int newline = e.Message.IndexOfAny(['\r', '\n']);
            return new TrialResponse(null, null, 0, $"{e.GetType().Name}: {(newline < 0 ? e.Message : e.Message[..newline])}");
        }
    }
}
