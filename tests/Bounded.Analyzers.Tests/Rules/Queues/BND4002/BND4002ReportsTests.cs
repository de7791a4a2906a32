using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static Bounded.Analyzers.Tests.Queues.QueueTestSupport;

namespace Bounded.Analyzers.Tests.Queues;

public class BND4002AnalyzerTests
{
    private static DiagnosticResult Diagnostic(int marker, string site, string consumer) =>
        new DiagnosticResult(RuleIds.UnlimitedParallelism, DiagnosticSeverity.Warning).WithLocation(marker).WithArguments(site, consumer);

    private static Task Reports(string members, string site, string consumer) =>
        Verify.AnalyzerAsync<UnlimitedParallelismAnalyzer>(Wrap(members), Diagnostic(0, site, consumer));

    private static Task Clean(string members) => Verify.AnalyzerAsync<UnlimitedParallelismAnalyzer>(Wrap(members));

    private const string MinusOne = "MaxDegreeOfParallelism = -1";
    private const string Unbounded = "MaxDegreeOfParallelism = DataflowBlockOptions.Unbounded";

    // ---- positives ----

    [Fact]
    public Task ParallelForEachOverFilesWithInlineOptions() => Reports("""
            public void ResizeAll(string folder)
            {
                Parallel.ForEach(
                    Directory.EnumerateFiles(folder, "*.jpg"),
                    new ParallelOptions { {|#0:MaxDegreeOfParallelism = -1|} },
                    path => Resize(path));
            }
        """, MinusOne, "Parallel.ForEach");

    [Fact]
    public Task ParallelForWithOptionsLocal() => Reports("""
            public double[] Squares(double[] values)
            {
                var result = new double[values.Length];
                var options = new ParallelOptions { {|#0:MaxDegreeOfParallelism = -1|} };
                Parallel.For(0, values.Length, options, i => result[i] = values[i] * values[i]);
                return result;
            }
        """, MinusOne, "Parallel.For");

    [Fact]
    public Task ParallelInvoke() => Reports("""
            public void Warmup()
            {
                Parallel.Invoke(new ParallelOptions { {|#0:MaxDegreeOfParallelism = -1|} }, () => Resize("a"), () => Resize("b"));
            }
        """, MinusOne, "Parallel.Invoke");

    [Fact]
    public Task OptionsPropertySetInAStatement() => Reports("""
            public void Import(IEnumerable<Job> jobs, CancellationToken cancellationToken)
            {
                var options = new ParallelOptions { CancellationToken = cancellationToken };
                {|#0:options.MaxDegreeOfParallelism = -1|};
                Parallel.ForEach(jobs, options, job => Process(job));
            }
        """, MinusOne, "Parallel.ForEach");

    [Fact]
    public Task OptionsWithTokenAndMinusOne() => Reports("""
            public void Import(IEnumerable<Job> jobs, CancellationToken cancellationToken)
            {
                Parallel.ForEach(jobs, new ParallelOptions { CancellationToken = cancellationToken, {|#0:MaxDegreeOfParallelism = -1|} }, Process);
            }
        """, MinusOne, "Parallel.ForEach");

    [Fact]
    public Task PartitionerWithMinusOne() => Reports("""
            public void Fill(int[] data)
            {
                var options = new ParallelOptions { {|#0:MaxDegreeOfParallelism = -1|} };
                Parallel.ForEach(Partitioner.Create(0, data.Length), options, range =>
                {
                    for (var i = range.Item1; i < range.Item2; i++)
                    {
                        data[i] = i;
                    }
                });
            }
        """, MinusOne, "Parallel.ForEach");

    [Fact]
    public Task ParenthesizedMinusOne() => Reports("""
            public void Run(List<Job> jobs) => Parallel.ForEach(jobs, new ParallelOptions { {|#0:MaxDegreeOfParallelism = (-1)|} }, Process);
        """, "MaxDegreeOfParallelism = (-1)", "Parallel.ForEach");

    [Fact]
    public Task OptionsSharedByForEachAsyncAndForEach() => Reports("""
            public async Task RunAsync(List<Job> jobs)
            {
                var options = new ParallelOptions { {|#0:MaxDegreeOfParallelism = -1|} };
                await Parallel.ForEachAsync(jobs, options, async (job, ct) => await ProcessAsync(job, ct));
                Parallel.ForEach(jobs, options, Process);
            }
        """, MinusOne, "Parallel.ForEach");

    [Fact]
    public Task ActionBlockWithUnboundedParallelism() => Reports("""
            private readonly ActionBlock<string> _downloads;

            public Pipeline()
            {
                _downloads = new ActionBlock<string>(
                    url => _http.GetStringAsync(url),
                    new ExecutionDataflowBlockOptions { {|#0:MaxDegreeOfParallelism = DataflowBlockOptions.Unbounded|}, BoundedCapacity = 100 });
            }
        """, Unbounded, "the dataflow block");

    [Fact]
    public Task TransformBlockOptionsLocalWithMinusOne() => Reports("""
            public TransformBlock<string, string> Build()
            {
                var options = new ExecutionDataflowBlockOptions { BoundedCapacity = 64 };
                {|#0:options.MaxDegreeOfParallelism = -1|};
                return new TransformBlock<string, string>(path => Resize(path), options);
            }
        """, MinusOne, "the dataflow block");

    [Fact]
    public Task DataflowOptionsField() => Reports("""
            private static readonly ExecutionDataflowBlockOptions Options = new() { {|#0:MaxDegreeOfParallelism = DataflowBlockOptions.Unbounded|} };
        """, Unbounded, "the dataflow block");

    [Fact]
    public Task DataflowOptionsFactory() => Reports("""
            private static ExecutionDataflowBlockOptions CreateOptions() =>
                new ExecutionDataflowBlockOptions { {|#0:MaxDegreeOfParallelism = -1|}, BoundedCapacity = 10 };
        """, MinusOne, "the dataflow block");

    [Fact]
    public Task PlinqDegreeFromListCount() => Reports("""
            public string[] Fetch(List<string> urls) =>
                urls.AsParallel().WithDegreeOfParallelism({|#0:urls.Count|}).Select(url => _http.GetStringAsync(url).Result).ToArray();
        """, "WithDegreeOfParallelism(urls.Count)", "the query");

    [Fact]
    public Task PlinqDegreeFromArrayLength() => Reports("""
            public int[] Lengths(string[] paths) =>
                paths.AsParallel().WithDegreeOfParallelism({|#0:paths.Length|}).Select(p => File.ReadAllText(p).Length).ToArray();
        """, "WithDegreeOfParallelism(paths.Length)", "the query");

    [Fact]
    public Task PlinqDegreeFromCountCall() => Reports("""
            public List<string> Resized(IEnumerable<string> paths) =>
                paths.AsParallel().WithDegreeOfParallelism({|#0:paths.Count()|}).Select(Resize).ToList();
        """, "WithDegreeOfParallelism(paths.Count())", "the query");

    [Fact]
    public Task ParallelForEachInsideABackgroundLoop() => Reports("""
            public async Task RunAsync(Channel<List<Job>> batches, CancellationToken cancellationToken)
            {
                await foreach (var batch in batches.Reader.ReadAllAsync(cancellationToken))
                {
                    Parallel.ForEach(batch, new ParallelOptions { {|#0:MaxDegreeOfParallelism = -1|}, CancellationToken = cancellationToken }, Process);
                }
            }
        """, MinusOne, "Parallel.ForEach");

    [Fact]
    public Task MarkerWithoutReason() => Reports("""
            public void Run(List<Job> jobs) => Parallel.ForEach(jobs, new ParallelOptions { {|#0:MaxDegreeOfParallelism = -1|} }, Process); // bounded:
        """, MinusOne, "Parallel.ForEach");

    // ---- negatives ----

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
