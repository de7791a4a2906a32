using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Queues.BND4002Verify;
using static Bounded.Analyzers.Tests.Rules.Queues.QueuesSources;
using static Bounded.Analyzers.Tests.Rules.Queues.QueuesVerify;

namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>BND4002: look-alikes and options that must stay quiet.</summary>
public class BND4002DoesNotReportTests
{
    [Fact]
    public Task ForEachAsyncTreatsMinusOneAsProcessorCount() => Clean("""
            public Task RunAsync(List<Job> jobs, CancellationToken cancellationToken) =>
                Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = -1, CancellationToken = cancellationToken }, async (job, ct) => await ProcessAsync(job, ct));
        """);

    [Fact]
    public Task ForAsyncTreatsMinusOneAsProcessorCount() => Clean("""
            public Task RunAsync(int count) =>
                Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = -1 }, async (i, ct) => await Task.Delay(i, ct));
        """);

    [Fact]
    public Task OptionsLocalOnlyUsedByForEachAsync() => Clean("""
            public async Task RunAsync(List<string> urls)
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = -1 };
                await Parallel.ForEachAsync(urls, options, async (url, ct) => await _http.GetStringAsync(url, ct));
            }
        """);

    [Fact]
    public Task ProcessorCountLimit() => Clean("""
            public void Run(List<Job> jobs) => Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, Process);
        """);

    [Fact]
    public Task ConstantLimit() => Clean("""
            public void Run(List<Job> jobs) => Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, Process);
        """);

    [Fact]
    public Task DefaultOptionsAreNotJudged() => Clean("""
            public void Run(List<Job> jobs) => Parallel.ForEach(jobs, Process);
        """);

    [Fact]
    public Task OptionsFieldWithUnknownUse() => Clean("""
            public ParallelOptions Options { get; } = new ParallelOptions { MaxDegreeOfParallelism = -1 };
        """);

    [Fact]
    public Task DataflowLimit() => Clean("""
            private readonly ActionBlock<Job> _worker = new ActionBlock<Job>(job => Process(job),
                new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 8, BoundedCapacity = 100 });
        """);

    [Fact]
    public Task DataflowLimitFromConfiguration() => Clean("""
            public ActionBlock<Job> Build(int workers) => new ActionBlock<Job>(job => Process(job),
                new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = workers, BoundedCapacity = 100 });
        """);

    [Fact]
    public Task PlinqConstantDegree() => Clean("""
            public int[] Lengths(string[] paths) => paths.AsParallel().WithDegreeOfParallelism(4).Select(p => p.Length).ToArray();
        """);

    [Fact]
    public Task PlinqProcessorCountDegree() => Clean("""
            public int[] Lengths(string[] paths) => paths.AsParallel().WithDegreeOfParallelism(Environment.ProcessorCount).Select(p => p.Length).ToArray();
        """);

    [Fact]
    public Task PlinqDegreeCappedByMin() => Clean("""
            public int[] Lengths(List<string> paths) => paths.AsParallel().WithDegreeOfParallelism(Math.Min(paths.Count, 8)).Select(p => p.Length).ToArray();
        """);

    [Fact]
    public Task JustifiedSite() => Clean("""
            public void Run(Job[] jobs)
            {
                // bounded: jobs are CPU-bound and the caller already partitions them per core
                Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = -1 }, Process);
            }
        """);

    [Fact]
    public Task TestProjectOptedOut() => AnalyzeAsync<UnlimitedParallelismAnalyzer>(
        Wrap("""
            public void Run(List<Job> jobs) => Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = -1 }, Process);
        """),
        globalConfig: "build_property.IsTestProject = true\nbuild_property.BoundedExcludeTestProjects = true\n",
        editorConfig: null);

    [Fact]
    public Task UnrelatedOptionsType() => Clean("""
            public sealed class ScanOptions { public int MaxDegreeOfParallelism { get; set; } }

            public ScanOptions Options() => new ScanOptions { MaxDegreeOfParallelism = -1 };
        """);

    [Fact]
    public Task ReadingTheValueIsNotSettingIt() => Clean("""
            public bool IsUnlimited(ParallelOptions options) => options.MaxDegreeOfParallelism == -1;
        """);

    [Fact]
    public Task LimitFromALocal() => Clean("""
            public void Run(List<Job> jobs)
            {
                var limit = Math.Max(1, Environment.ProcessorCount / 2);
                var options = new ParallelOptions();
                options.MaxDegreeOfParallelism = limit;
                Parallel.ForEach(jobs, options, Process);
            }
        """);

    [Fact]
    public Task HalfTypedCodeDoesNotThrow() => NoCrashOnBrokenCodeAsync<UnlimitedParallelismAnalyzer>(Wrap("""
            public void M(List<Job> jobs)
            {
                Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = }, Process);
                var o = new ParallelOptions { MaxDegreeOfParallelism = -1 };
                Parallel.ForEach(jobs, o, );
                var x = jobs.AsParallel().WithDegreeOfParallelism(jobs.).ToList();
                var y = new ExecutionDataflowBlockOptions { Missing = -1 };
            }
        """));
}
