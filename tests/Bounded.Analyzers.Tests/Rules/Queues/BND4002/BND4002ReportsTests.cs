using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Queues.BND4002Verify;
using static Bounded.Analyzers.Tests.Rules.Queues.QueuesSources;
using static Bounded.Analyzers.Tests.Rules.Queues.QueuesVerify;

namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>BND4002: code that is reported.</summary>
public class BND4002ReportsTests
{
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
}
