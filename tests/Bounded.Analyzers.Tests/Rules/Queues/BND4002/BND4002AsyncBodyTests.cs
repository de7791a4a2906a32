using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Bounded.CodeFixes.Queues;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Queues.BND4002Verify;
using static Bounded.Analyzers.Tests.Rules.Queues.QueuesSources;

namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>
/// An async body handed to Parallel.For/ForEach/Invoke is an async void delegate: it returns at its first await, so
/// MaxDegreeOfParallelism only paces how fast bodies start, every item runs at once, and an exception crashes the process.
/// </summary>
public class BND4002AsyncBodyTests
{
    private const string ForEachAdvice = "the async body returns at its first await, so any limit only paces how fast bodies start and an exception in one crashes the process; use Parallel.ForEachAsync, which awaits each body";
    private const string ForAdvice = "the async body returns at its first await, so any limit only paces how fast bodies start and an exception in one crashes the process; use Parallel.ForAsync or Parallel.ForEachAsync over the range, which await each body";
    private const string InvokeAdvice = "the async body returns at its first await, so any limit only paces how fast bodies start and an exception in one crashes the process; start the bodies as tasks and await them together";

    private static Task Reports(string members, params DiagnosticResult[] expected) => Verify.AnalyzerAsync<UnlimitedParallelismAnalyzer>(Wrap(members), expected);

    private static DiagnosticResult Body(int marker, string header, string consumer = "Parallel.ForEach", string advice = ForEachAdvice) => Diagnostic(marker, header, consumer, advice);

    private static Task Fix(string source, string fixedSource) =>
        Verify.FixAsync<UnlimitedParallelismAnalyzer, UnlimitedParallelismCodeFixProvider>(Wrap(source), Wrap(fixedSource), UnlimitedParallelismCodeFixProvider.ExplicitLimitKey);

    private static Task NoFix(string source) =>
        Verify.NoFixAsync<UnlimitedParallelismAnalyzer, UnlimitedParallelismCodeFixProvider>(Wrap(source));

    [Fact]
    public Task AsyncLambdaWithADegreeOfParallelism() => Reports("""
            public void SendAll(IEnumerable<Job> jobs)
            {
                Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, {|#0:async job =>|} await ProcessAsync(job));
            }
        """, Body(0, "async job =>"));

    [Fact]
    public Task AsyncBlockLambdaWithoutOptions() => Reports("""
            public void Upload(List<string> paths)
            {
                Parallel.ForEach(paths, {|#0:async path =>|}
                {
                    var body = await File.ReadAllBytesAsync(path);
                    using var content = new ByteArrayContent(body);
                    await _http.PostAsync("https://uploads.example.org/", content);
                });
            }
        """, Body(0, "async path =>"));

    [Fact]
    public Task AsyncLambdaInParallelFor() => Reports("""
            public void Warm(string[] urls)
            {
                Parallel.For(0, urls.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, {|#0:async i =>|} await _http.GetStringAsync(urls[i]));
            }
        """, Body(0, "async i =>", "Parallel.For", ForAdvice));

    [Fact]
    public Task AsyncActionsInParallelInvoke() => Reports("""
            public void Refresh()
            {
                Parallel.Invoke(
                    {|#0:async () =>|} await _http.GetStringAsync("https://example.org/a"),
                    {|#1:async () =>|} await _http.GetStringAsync("https://example.org/b"));
            }
        """, Body(0, "async () =>", "Parallel.Invoke", InvokeAdvice), Body(1, "async () =>", "Parallel.Invoke", InvokeAdvice));

    [Fact]
    public Task AsyncVoidMethodGroup() => Reports("""
            public void Notify(IEnumerable<Job> jobs)
            {
                Parallel.ForEach(jobs, {|#0:NotifyOne|});
            }

            private async void NotifyOne(Job job) => await ProcessAsync(job);
        """, Body(0, "NotifyOne"));

    [Fact]
    public Task AsyncAnonymousMethodWithLoopState() => Reports("""
            public void Index(IEnumerable<Job> jobs)
            {
                Parallel.ForEach(jobs, {|#0:async delegate (Job job, ParallelLoopState state)|}
                {
                    await ProcessAsync(job);
                });
            }
        """, Body(0, "async delegate (Job job, ParallelLoopState state)"));

    [Fact]
    public Task TypedAsyncLambdaWithOptionsFromALocal() => Reports("""
            public void Archive(IReadOnlyCollection<Job> jobs, CancellationToken cancellationToken)
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
                Parallel.ForEach(jobs, options, {|#0:async (Job job) =>|}
                {
                    await ProcessAsync(job, cancellationToken);
                    Process(job);
                });
            }
        """, Body(0, "async (Job job) =>"));

    [Fact]
    public Task SynchronousBodyIsClean() => Clean("""
            public void ResizeAll(IEnumerable<string> paths)
            {
                Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = 4 }, path => Resize(path));
            }
        """);

    [Fact]
    public Task ParallelForEachAsyncIsClean() => Clean("""
            public async Task SendAllAsync(IEnumerable<Job> jobs, CancellationToken cancellationToken)
            {
                await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (job, ct) => await ProcessAsync(job, ct));
            }
        """);

    /// <summary>A body that blocks on the task is synchronous: the degree of parallelism holds (blocking is another matter).</summary>
    [Fact]
    public Task BlockingBodyIsClean() => Clean("""
            public void SendAll(IEnumerable<Job> jobs)
            {
                Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, job => ProcessAsync(job).GetAwaiter().GetResult());
            }
        """);

    [Fact]
    public Task AsyncLambdaNestedInASynchronousBodyIsClean() => Clean("""
            public void Schedule(IEnumerable<Job> jobs, List<Func<Task>> later)
            {
                Parallel.ForEach(jobs, job =>
                {
                    Process(job);
                    lock (later)
                    {
                        later.Add(async () => await ProcessAsync(job));
                    }
                });
            }
        """);

    [Fact]
    public Task NonAsyncMethodGroupIsClean() => Clean("""
            public void Handle(IEnumerable<Job> jobs)
            {
                Parallel.ForEach(jobs, Process);
            }
        """);

    /// <summary>A project's own helper named Parallel.ForEach that takes task-returning bodies awaits them.</summary>
    [Fact]
    public Task ALookAlikeParallelTypeIsClean() => Clean("""
            public async Task SendAllAsync(IEnumerable<Job> jobs)
            {
                await Throttled.Parallel.ForEach(jobs, async job => await ProcessAsync(job));
            }
        }

        namespace Throttled
        {
            public static class Parallel
            {
                public static Task ForEach<T>(IEnumerable<T> source, Func<T, Task> body) => Task.WhenAll(source.Select(body));
            }
        """);

    [Fact]
    public Task FixUsesForEachAsyncWithTheSameOptions() => Fix("""
            public async Task SendAllAsync(IEnumerable<Job> jobs)
            {
                Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, {|BND4002:async job =>|} await ProcessAsync(job));
                await Task.Delay(10);
            }
        """, """
            public async Task SendAllAsync(IEnumerable<Job> jobs)
            {
                await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (job, ct) => await ProcessAsync(job));
                await Task.Delay(10);
            }
        """);

    [Fact]
    public Task FixKeepsABlockBodyAndATypedParameter() => Fix("""
            public async Task ArchiveAsync(IReadOnlyCollection<Job> jobs, CancellationToken cancellationToken)
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
                Parallel.ForEach(jobs, options, {|BND4002:async (Job job) =>|}
                {
                    await ProcessAsync(job, cancellationToken);
                    Process(job);
                });
                Parallel.ForEach(jobs, {|BND4002:async job =>|}
                {
                    if (job.Id < 0)
                    {
                        return;
                    }

                    await ProcessAsync(job, cancellationToken);
                });
            }
        """, """
            public async Task ArchiveAsync(IReadOnlyCollection<Job> jobs, CancellationToken cancellationToken)
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
                await Parallel.ForEachAsync(jobs, options, async (Job job, CancellationToken ct) =>
                {
                    await ProcessAsync(job, cancellationToken);
                    Process(job);
                });
                await Parallel.ForEachAsync(jobs, async (job, ct2) =>
                {
                    if (job.Id < 0)
                    {
                        return;
                    }

                    await ProcessAsync(job, cancellationToken);
                });
            }
        """);

    /// <summary>Making the caller async would change its signature, and blocking on the loop is the caller's choice.</summary>
    [Fact]
    public Task NoFixInASynchronousMethod() => NoFix("""
            public void SendAll(IEnumerable<Job> jobs)
            {
                Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, {|BND4002:async job =>|} await ProcessAsync(job));
            }
        """);

    /// <summary>A body that takes ParallelLoopState can Break or Stop, which ForEachAsync has no counterpart for.</summary>
    [Fact]
    public Task NoFixForABodyWithLoopStateOrForParallelFor() => NoFix("""
            public async Task IndexAsync(Job[] jobs)
            {
                Parallel.ForEach(jobs, {|BND4002:async (job, state) =>|} await ProcessAsync(job));
                Parallel.For(0, jobs.Length, {|BND4002:async i =>|} await ProcessAsync(jobs[i]));
                await Task.Yield();
            }
        """);
}
