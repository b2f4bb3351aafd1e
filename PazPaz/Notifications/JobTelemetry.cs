using System.Diagnostics;
using Hangfire.Server;
using PazPaz.Operations;

namespace PazPaz.Notifications;

/// <summary>
/// A Hangfire server filter: every job run is counted (succeeded or failed) and timed, and runs inside a span of its own
/// so that its database commands are grouped under it in a trace. Jobs are named by class and method, never by arguments.
/// </summary>
public sealed class JobTelemetry(Telemetry telemetry) : IServerFilter
{
    private const string StartedKey = "pazpaz.telemetry.started";
    private const string SpanKey = "pazpaz.telemetry.span";

    public void OnPerforming(PerformingContext context)
    {
        context.Items[StartedKey] = Stopwatch.GetTimestamp();
        context.Items[SpanKey] = Telemetry.Spans.StartActivity($"job {JobName(context)}");
    }

    public void OnPerformed(PerformedContext context)
    {
        var failed = context.Exception is not null && !context.ExceptionHandled;
        if (context.Items.TryGetValue(StartedKey, out var started) && started is long timestamp)
            telemetry.JobRan(JobName(context), !failed, Stopwatch.GetElapsedTime(timestamp));
        if (context.Items.TryGetValue(SpanKey, out var span) && span is Activity activity)
        {
            if (failed) activity.SetStatus(ActivityStatusCode.Error, context.Exception!.GetType().Name);
            activity.Dispose();
        }
    }

    private static string JobName(PerformContext context) =>
        $"{context.BackgroundJob.Job.Type.Name}.{context.BackgroundJob.Job.Method.Name}";
}
