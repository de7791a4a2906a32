using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>
/// Runs the original program and the program the real fixer makes of it (<see cref="AppliedFix"/>) on the same
/// input: results, their order and exceptions must be the same, and at most <c>bounded.max_concurrency</c> work
/// items may run at once in the fixed program while the original runs more.
/// </summary>
public class ConcurrencyRuntimeTests
{
    private const int Limit = 3;
    private const string EditorConfig = "bounded.max_concurrency = 3";
    private const int Items = 24;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Instruments the work: counts the items running at once, records each item, fails on chosen items.</summary>
    private const string Probe = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Probe
        {
            private static int _running;
            public static int Peak;
            public static int DelayMs = 15;
            public static int HoldUntilPeakAbove;
            public static int SlowAfterItem = int.MaxValue;
            public static int[] FailOn = Array.Empty<int>();
            public static readonly ConcurrentQueue<int> Processed = new();
            public static readonly ConcurrentQueue<Task> Started = new();

            public static int Work(int item)
            {
                Enter(item);
                try
                {
                    SpinWait.SpinUntil(() => Volatile.Read(ref Peak) > HoldUntilPeakAbove, HoldMs);
                    Thread.Sleep(DelayMs);
                    return Finish(item);
                }
                finally
                {
                    Interlocked.Decrement(ref _running);
                }
            }

            public static async Task<int> WorkAsync(int item)
            {
                Enter(item);
                try
                {
                    var holdEnds = Environment.TickCount64 + HoldMs;
                    while (Volatile.Read(ref Peak) <= HoldUntilPeakAbove && Environment.TickCount64 < holdEnds)
                    {
                        await Task.Delay(1);
                    }

                    var delayMs = item > SlowAfterItem ? 20 : DelayMs;
                    if (delayMs > 0)
                    {
                        await Task.Delay(delayMs);
                    }
                    else
                    {
                        await Task.Yield();
                    }

                    return Finish(item);
                }
                finally
                {
                    Interlocked.Decrement(ref _running);
                }
            }

            public static async Task RecordAsync(int item) => await WorkAsync(item);

            public static int[] RejectOn = Array.Empty<int>();

            /// <summary>Not async: rejects an item by throwing synchronously, before any task exists.</summary>
            public static Task<int> ValidatedAsync(int item)
            {
                if (Array.IndexOf(RejectOn, item) >= 0)
                {
                    throw new ArgumentException("item " + item + " rejected");
                }

                return WorkAsync(item);
            }

            /// <summary>How long an item waits for more than <see cref="HoldUntilPeakAbove"/> items to run at once.</summary>
            private const int HoldMs = 5000;

            private static void Enter(int item)
            {
                Processed.Enqueue(item);
                var running = Interlocked.Increment(ref _running);
                int peak;
                while (running > (peak = Volatile.Read(ref Peak)) && Interlocked.CompareExchange(ref Peak, running, peak) != peak)
                {
                }
            }

            private static int Finish(int item)
            {
                if (Array.IndexOf(FailOn, item) >= 0)
                {
                    throw new InvalidOperationException("item " + item + " failed");
                }

                return item * 10;
            }
        }

        """;

    static ConcurrencyRuntimeTests()
    {
        // Sync work blocks pool threads: let the unbounded original start more than the limit without waiting for thread injection.
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < 2 * Items)
        {
            ThreadPool.SetMinThreads(2 * Items, io);
        }
    }

    // ---- SemaphoreSlim fix: results, order, exceptions, bound ----

    private const string AsyncLoop = """
        public class Subject
        {
            public async Task<int[]> RunAsync(IEnumerable<int> items)
            {
                var tasks = new List<Task<int>>();
                foreach (var item in items)
                {
                    tasks.Add(Task.Run(() => Probe.WorkAsync(item)));
                }

                return await Task.WhenAll(tasks);
            }
        }
        """;

    private const string SyncLoop = """
        public class Subject
        {
            public Task<int[]> RunAsync(IEnumerable<int> items)
            {
                var pending = new List<Task<int>>();
                foreach (var item in items)
                {
                    pending.Add(Task.Run(() => Probe.Work(item)));
                }

                return Task.WhenAll(pending);
            }
        }
        """;

    private const string SelectOfTaskRun = """
        public class Subject
        {
            public async Task<int[]> RunAsync(IEnumerable<int> items)
            {
                var results = await Task.WhenAll(items.Select(item => Task.Run(() => Probe.Work(item))));
                return results;
            }
        }
        """;

    private const string StartNewLoop = """
        public class Subject
        {
            public async Task<int[]> RunAsync(IEnumerable<int> items)
            {
                var pending = new List<Task<int>>();
                foreach (var item in items)
                {
                    pending.Add(Task.Factory.StartNew(() => Probe.Work(item)));
                }

                return await Task.WhenAll(pending);
            }
        }
        """;

    /// <summary>StartNew in a sync method: the fix waits inside the task and unwraps it.</summary>
    private const string SyncStartNewLoop = """
        public class Subject
        {
            public Task<int[]> RunAsync(IEnumerable<int> items)
            {
                var pending = new List<Task<int>>();
                foreach (var item in items)
                {
                    pending.Add(Task.Factory.StartNew(() => Probe.Work(item)));
                }

                return Task.WhenAll(pending);
            }
        }
        """;

    private const string ListForEach = """
        public class Subject
        {
            public async Task<int[]> RunAsync(List<int> items)
            {
                var pending = new List<Task<int>>();
                items.ForEach(item => pending.Add(Task.Run(() => Probe.Work(item))));
                return await Task.WhenAll(pending);
            }
        }
        """;

    private const string FanOutSelectLambda = """
        public class Subject
        {
            public async Task<int[]> RunAsync(IEnumerable<int> items)
            {
                var results = await Task.WhenAll(items.Select(item => Probe.WorkAsync(item)));
                return results;
            }
        }
        """;

    // Expression-bodied: the fix gives it a block body that holds the limit and the semaphore.
    private const string FanOutExpressionBodied = """
        public class Subject
        {
            public Task<int[]> RunAsync(IEnumerable<int> items) => Task.WhenAll(items.Select(item => Probe.WorkAsync(item)));
        }
        """;

    private const string FanOutMethodGroup = """
        public class Subject
        {
            public async Task<int[]> RunAsync(IEnumerable<int> items)
            {
                var results = await Task.WhenAll(items.Select(Probe.WorkAsync));
                return results;
            }
        }
        """;

    private const string FanOutCollectedLoop = """
        public class Subject
        {
            public async Task<int[]> RunAsync(IEnumerable<int> items)
            {
                var calls = new List<Task<int>>();
                foreach (var item in items)
                {
                    calls.Add(Probe.WorkAsync(item));
                }

                return await Task.WhenAll(calls);
            }
        }
        """;

    private const string LongRunningLoop = """
        public class Subject
        {
            public async Task<int[]> RunAsync(IEnumerable<int> items)
            {
                var pumps = new List<Task<int>>();
                foreach (var item in items)
                {
                    pumps.Add(Task.Factory.StartNew(() => Probe.Work(item), TaskCreationOptions.LongRunning));
                }

                return await Task.WhenAll(pumps);
            }
        }
        """;

    public static TheoryData<string, string> SemaphoreShapes => new()
    {
        { nameof(AsyncLoop), "BND1001" },
        { nameof(SyncLoop), "BND1001" },
        { nameof(SelectOfTaskRun), "BND1001" },
        { nameof(StartNewLoop), "BND1001" },
        { nameof(SyncStartNewLoop), "BND1001" },
        { nameof(ListForEach), "BND1001" },
        { nameof(FanOutSelectLambda), "BND1002" },
        { nameof(FanOutExpressionBodied), "BND1002" },
        { nameof(FanOutMethodGroup), "BND1002" },
        { nameof(FanOutCollectedLoop), "BND1002" },
        { nameof(LongRunningLoop), "BND1003" },
    };

    private static string Shape(string name) => name switch
    {
        nameof(AsyncLoop) => AsyncLoop,
        nameof(SyncLoop) => SyncLoop,
        nameof(SelectOfTaskRun) => SelectOfTaskRun,
        nameof(StartNewLoop) => StartNewLoop,
        nameof(SyncStartNewLoop) => SyncStartNewLoop,
        nameof(ListForEach) => ListForEach,
        nameof(FanOutSelectLambda) => FanOutSelectLambda,
        nameof(FanOutExpressionBodied) => FanOutExpressionBodied,
        nameof(FanOutMethodGroup) => FanOutMethodGroup,
        nameof(FanOutCollectedLoop) => FanOutCollectedLoop,
        nameof(LongRunningLoop) => LongRunningLoop,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>Each shape is fixed once per test run; the result and exception tests share it.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> FixedSources = new();

    private static Task<string> Fixed(string name, Func<Task<string>> fix) =>
        FixedSources.GetOrAdd(name, _ => new Lazy<Task<string>>(fix)).Value;

    private static Task<string> SemaphoreFixAsync(string source, string ruleId) => Fixed(source, () => ruleId switch
    {
        "BND1001" => AppliedFix.ApplyAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(source, ruleId, UnboundedTaskSpawnCodeFixProvider.SemaphoreKey, EditorConfig),
        "BND1002" => AppliedFix.ApplyAsync<UnboundedFanOutAnalyzer, UnboundedFanOutCodeFixProvider>(source, ruleId, UnboundedFanOutCodeFixProvider.SemaphoreKey, EditorConfig),
        "BND1003" => AppliedFix.ApplyAsync<ThreadPerItemAnalyzer, UnboundedTaskSpawnCodeFixProvider>(source, ruleId, UnboundedTaskSpawnCodeFixProvider.ThreadSemaphoreKey, EditorConfig),
        _ => throw new ArgumentOutOfRangeException(nameof(ruleId)),
    });

    [Theory]
    [MemberData(nameof(SemaphoreShapes))]
    public async Task SemaphoreFixKeepsResultsAndOrderAndBoundsConcurrency(string shape, string ruleId)
    {
        var original = Probe + Shape(shape);
        var fixedSource = await SemaphoreFixAsync(original, ruleId);
        Assert.Contains("SemaphoreSlim", fixedSource);

        var before = await RunAsync(original, Enumerable.Range(0, Items), holdUntilPeakAbove: Limit);
        var after = await RunAsync(fixedSource, Enumerable.Range(0, Items));

        Assert.Null(before.Error);
        Assert.Null(after.Error);
        Assert.Equal(Enumerable.Range(0, Items).Select(i => i * 10), before.Results);
        Assert.Equal(before.Results, after.Results);
        Assert.Equal(Enumerable.Range(0, Items), after.Processed.OrderBy(i => i));
        Assert.True(before.Peak > Limit, $"the original should run more than {Limit} at once, ran {before.Peak}");
        Assert.True(after.Peak <= Limit, $"the fixed program ran {after.Peak} at once, limit {Limit}:{Environment.NewLine}{fixedSource}");
    }

    [Theory]
    [MemberData(nameof(SemaphoreShapes))]
    public async Task SemaphoreFixKeepsTheExceptions(string shape, string ruleId)
    {
        var original = Probe + Shape(shape);
        var fixedSource = await SemaphoreFixAsync(original, ruleId);
        int[] failOn = { 7, 3 };

        var before = await RunAsync(original, Enumerable.Range(0, 12), failOn);
        var after = await RunAsync(fixedSource, Enumerable.Range(0, 12), failOn);

        // await Task.WhenAll rethrows the first failure in input order: item 3, although item 7 is listed first.
        Assert.NotNull(before.Error);
        Assert.IsType<InvalidOperationException>(before.Error);
        Assert.Equal("item 3 failed", before.Error!.Message);
        Assert.Equal(before.Error.GetType(), after.Error?.GetType());
        Assert.Equal(before.Error.Message, after.Error!.Message);
        Assert.Equal(before.AllErrors, after.AllErrors);
        Assert.Equal(before.Processed.OrderBy(i => i), after.Processed.OrderBy(i => i));
    }

    private const string FanOutOfValidatingCalls = """
        public class Subject
        {
            public async Task<int[]> RunAsync(IEnumerable<int> items)
            {
                var results = await Task.WhenAll(items.Select(item => Probe.ValidatedAsync(item)));
                return results;
            }
        }
        """;

    /// <summary>
    /// The one documented difference of the Select fix (docs/rules/BND1002.md): a call that throws synchronously
    /// stopped the original Select at that item; in the async lambda the throw faults that item's task, so the
    /// other items still run and the same exception surfaces from WhenAll after they ended.
    /// </summary>
    [Fact]
    public async Task SelectFixTurnsASynchronousThrowIntoTheSameFailureAfterAllItems()
    {
        var original = Probe + FanOutOfValidatingCalls;
        var fixedSource = await SemaphoreFixAsync(original, "BND1002");

        var before = await RunAsync(original, Enumerable.Range(0, 12), rejectOn: new[] { 3 });
        var after = await RunAsync(fixedSource, Enumerable.Range(0, 12), rejectOn: new[] { 3 });

        Assert.IsType<ArgumentException>(before.Error);
        Assert.Equal("item 3 rejected", before.Error!.Message);
        Assert.Equal(before.Error.GetType(), after.Error?.GetType());
        Assert.Equal(before.Error.Message, after.Error!.Message);
        Assert.Equal(new[] { 0, 1, 2 }, before.Processed.OrderBy(i => i));
        Assert.Equal(Enumerable.Range(0, 12).Where(i => i != 3), after.Processed.OrderBy(i => i));
    }

    /// <summary>The loop fix keeps the call in the loop, after the wait: a synchronous throw still ends the loop at that item.</summary>
    [Fact]
    public async Task LoopFixKeepsASynchronousThrowWhereItWas()
    {
        var original = Probe + FanOutCollectedLoop.Replace("Probe.WorkAsync(item)", "Probe.ValidatedAsync(item)");
        var fixedSource = await SemaphoreFixAsync(original, "BND1002");
        Assert.Contains("ReleaseWhenDoneAsync(Probe.ValidatedAsync(item))", fixedSource);

        var before = await RunAsync(original, Enumerable.Range(0, 12), rejectOn: new[] { 3 });
        var after = await RunAsync(fixedSource, Enumerable.Range(0, 12), rejectOn: new[] { 3 });

        Assert.IsType<ArgumentException>(before.Error);
        Assert.Equal(before.Error!.GetType(), after.Error?.GetType());
        Assert.Equal(before.Error.Message, after.Error!.Message);
        Assert.Equal(new[] { 0, 1, 2 }, before.Processed.OrderBy(i => i));
        Assert.Equal(before.Processed.OrderBy(i => i), after.Processed.OrderBy(i => i));
    }

    // ---- cancellation: the fix passes the method's token to WaitAsync ----

    private const string CancellableAsyncLoop = """
        public class Subject
        {
            public async Task<int[]> RunAsync(IEnumerable<int> items, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<int>>();
                foreach (var item in items)
                {
                    tasks.Add(Task.Run(() => Probe.WorkAsync(item)));
                }

                return await Task.WhenAll(tasks);
            }
        }
        """;

    private const string CancellableSelect = """
        public class Subject
        {
            public async Task<int[]> RunAsync(IEnumerable<int> items, CancellationToken cancellationToken)
            {
                var results = await Task.WhenAll(items.Select(item => Task.Run(() => Probe.WorkAsync(item))));
                return results;
            }
        }
        """;

    /// <summary>
    /// Docs (BND1001): when the token is cancelled, work not yet started is no longer started and the method ends
    /// with an OperationCanceledException; the bound holds up to then. (The original ignores the token and runs all.)
    /// </summary>
    [Theory]
    [InlineData(nameof(CancellableAsyncLoop))]
    [InlineData(nameof(CancellableSelect))]
    public async Task CancellingStopsStartingWorkAndKeepsTheBound(string shape)
    {
        var original = Probe + (shape == nameof(CancellableSelect) ? CancellableSelect : CancellableAsyncLoop);
        var fixedSource = await SemaphoreFixAsync(original, "BND1001");
        Assert.Contains("WaitAsync(cancellationToken)", fixedSource);
        const int count = 200; // a second of work at the limit: far longer than the 100 ms before cancellation

        var after = await RunAsync(fixedSource, Enumerable.Range(0, count), cancelAfter: TimeSpan.FromMilliseconds(100));

        Assert.IsAssignableFrom<OperationCanceledException>(after.Error);
        Assert.True(after.Processed.Length < count, $"all {count} items started despite the cancellation");
        Assert.True(after.Processed.Length >= Limit, $"only {after.Processed.Length} items started before the cancellation");
        Assert.Equal(after.Processed.Length, after.Processed.Distinct().Count());
        Assert.True(after.Peak <= Limit, $"the fixed program ran {after.Peak} at once, limit {Limit}");
    }

    private const string TrackedCancellableLoop = """
        public class Subject
        {
            public async Task<int[]> RunAsync(IEnumerable<int> items, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<int>>();
                foreach (var item in items)
                {
                    tasks.Add(Task.Run(() => Probe.WorkAsync(item)));
                    Probe.Started.Enqueue(tasks[tasks.Count - 1]);
                }

                return await Task.WhenAll(tasks);
            }
        }
        """;

    /// <summary>
    /// A cancelled wait ends the fixed method while the tasks started before still run: they must finish as they
    /// would have (a semaphore disposed at the method's end made their Release throw ObjectDisposedException).
    /// </summary>
    [Fact]
    public async Task WorkStartedBeforeTheCancellationFinishesNormally()
    {
        var fixedSource = await SemaphoreFixAsync(Probe + TrackedCancellableLoop, "BND1001");
        Assert.Contains("WaitAsync(cancellationToken)", fixedSource);

        var after = await RunAsync(fixedSource, Enumerable.Range(0, 60), cancelAfter: TimeSpan.FromMilliseconds(50));

        Assert.IsAssignableFrom<OperationCanceledException>(after.Error);
        Assert.NotEmpty(after.StartedOutcomes);
        Assert.All(after.StartedOutcomes, outcome => Assert.Equal(nameof(TaskStatus.RanToCompletion), outcome));
    }

    /// <summary>
    /// A source that fails part-way ends the method while the items taken before it were started: in the original
    /// they all run; in the fixed program they must too (waiting on a disposed semaphore they never would).
    /// </summary>
    [Theory]
    [InlineData(nameof(SelectOfTaskRun), "BND1001")]
    [InlineData(nameof(FanOutSelectLambda), "BND1002")]
    [InlineData(nameof(AsyncLoop), "BND1001")]
    public async Task ItemsStartedBeforeTheSourceFailsStillRun(string shape, string ruleId)
    {
        const int taken = 8;
        var original = Probe + Shape(shape);
        var fixedSource = await SemaphoreFixAsync(original, ruleId);

        var before = await RunAsync(original, FailingAfter(taken), waitForProcessed: taken);
        var after = await RunAsync(fixedSource, FailingAfter(taken), waitForProcessed: shape == nameof(AsyncLoop) ? 0 : taken);

        Assert.IsType<System.IO.InvalidDataException>(before.Error);
        Assert.Equal(before.Error!.GetType(), after.Error?.GetType());
        Assert.Equal(before.Error.Message, after.Error!.Message);
        Assert.Equal(Enumerable.Range(0, taken), before.Processed.OrderBy(i => i));

        // Gating before each spawn, the fixed loop had started only the first items when the source failed.
        var expected = shape == nameof(AsyncLoop) ? Enumerable.Range(0, after.Processed.Length) : Enumerable.Range(0, taken);
        Assert.Equal(expected, after.Processed.OrderBy(i => i));
        Assert.True(after.Peak <= Limit, $"the fixed program ran {after.Peak} at once, limit {Limit}");
    }

    private static IEnumerable<int> FailingAfter(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return i;
        }

        throw new System.IO.InvalidDataException("the source failed after " + count + " items");
    }

    // ---- fire-and-forget work: a thread, a pool work item, a discarded task per item ----

    private const string ThreadLoop = """
        public class Subject
        {
            public async Task RunAsync(IEnumerable<int> items)
            {
                foreach (var item in items)
                {
                    var thread = new Thread(() => Probe.Work(item));
                    thread.Start();
                }

                await Task.Yield();
            }
        }
        """;

    private const string QueueUserWorkItemLoop = """
        public class Subject
        {
            public async Task RunAsync(IAsyncEnumerable<int> items)
            {
                await foreach (var item in items)
                {
                    ThreadPool.QueueUserWorkItem(_ => Probe.Work(item));
                }
            }
        }
        """;

    private const string DiscardedTaskLoop = """
        public class Subject
        {
            public async Task RunAsync(IEnumerable<int> items)
            {
                foreach (var item in items)
                {
                    _ = Task.Run(() => Probe.Work(item));
                }

                await Task.Yield();
            }
        }
        """;

    // A synchronous loop of threads: the fix blocks on throttle.Wait() before each start (RunAsync only calls it).
    private const string SyncThreadLoop = """
        public class Subject
        {
            public Task RunAsync(IEnumerable<int> items)
            {
                Run(items);
                return Task.CompletedTask;
            }

            public void Run(IEnumerable<int> items)
            {
                foreach (var item in items)
                {
                    new Thread(() => Probe.Work(item)).Start();
                }
            }
        }
        """;

    public static TheoryData<string> FireAndForgetShapes => new()
    {
        nameof(ThreadLoop), nameof(QueueUserWorkItemLoop), nameof(DiscardedTaskLoop), nameof(SyncThreadLoop),
    };

    /// <summary>The semaphore fix of fire-and-forget work: the method still returns before the work ends, every item runs once, at most the limit at once.</summary>
    [Theory]
    [MemberData(nameof(FireAndForgetShapes))]
    public async Task SemaphoreFixOfFireAndForgetWorkRunsEveryItemOnceWithinTheLimit(string shape)
    {
        var original = Probe + shape switch
        {
            nameof(ThreadLoop) => ThreadLoop,
            nameof(QueueUserWorkItemLoop) => QueueUserWorkItemLoop,
            nameof(SyncThreadLoop) => SyncThreadLoop,
            _ => DiscardedTaskLoop,
        };
        var fixedSource = shape is nameof(ThreadLoop) or nameof(SyncThreadLoop)
            ? await AppliedFix.ApplyAsync<ThreadPerItemAnalyzer, UnboundedTaskSpawnCodeFixProvider>(original, "BND1003", UnboundedTaskSpawnCodeFixProvider.ThreadSemaphoreKey, EditorConfig)
            : await AppliedFix.ApplyAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(original, "BND1001", UnboundedTaskSpawnCodeFixProvider.SemaphoreKey, EditorConfig);
        Assert.Contains("throttle.Release()", fixedSource);

        var before = await RunAsync(original, Enumerable.Range(0, Items), waitForProcessed: Items, holdUntilPeakAbove: Limit);
        var after = await RunAsync(fixedSource, Enumerable.Range(0, Items), waitForProcessed: Items);

        Assert.Equal(Enumerable.Range(0, Items), before.Processed.OrderBy(i => i));
        Assert.Equal(Enumerable.Range(0, Items), after.Processed.OrderBy(i => i));
        Assert.True(before.Peak > Limit, $"the original should run more than {Limit} at once, ran {before.Peak}");
        Assert.True(after.Peak <= Limit, $"the fixed program ran {after.Peak} at once, limit {Limit}:{Environment.NewLine}{fixedSource}");
    }

    // ---- Parallel.ForEachAsync rewrite ----

    private const string CollectedTaskRuns = """
        public class Subject
        {
            public async Task RunAsync(IEnumerable<int> items)
            {
                var pending = new List<Task>();
                foreach (var item in items)
                {
                    pending.Add(Task.Run(() => Probe.RecordAsync(item)));
                }

                await Task.WhenAll(pending);
            }
        }
        """;

    private const string CollectedCalls = """
        public class Subject
        {
            public async Task RunAsync(List<int> items)
            {
                var saves = new List<Task>();
                foreach (var item in items)
                {
                    saves.Add(Probe.RecordAsync(item));
                }

                await Task.WhenAll(saves);
            }
        }
        """;

    [Fact]
    public async Task ParallelForEachAsyncFixOfTaskRunProcessesEveryItemOnceWithinTheLimit()
    {
        var original = Probe + CollectedTaskRuns;
        var fixedSource = await AppliedFix.ApplyAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(original, "BND1001", UnboundedTaskSpawnCodeFixProvider.ParallelForEachAsyncKey, EditorConfig);
        await AssertParallelRewriteAsync(original, fixedSource);
    }

    [Fact]
    public async Task ParallelForEachAsyncFixOfFanOutProcessesEveryItemOnceWithinTheLimit()
    {
        var original = Probe + CollectedCalls;
        var fixedSource = await AppliedFix.ApplyAsync<UnboundedFanOutAnalyzer, UnboundedFanOutCodeFixProvider>(original, "BND1002", UnboundedFanOutCodeFixProvider.ParallelForEachAsyncKey, EditorConfig);
        await AssertParallelRewriteAsync(original, fixedSource);
    }

    /// <summary>Docs: after the first failure Parallel.ForEachAsync starts no further items; the method still throws the failure.</summary>
    [Fact]
    public async Task ParallelForEachAsyncFixStillThrowsTheFailure()
    {
        var original = Probe + CollectedTaskRuns;
        var fixedSource = await AppliedFix.ApplyAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(original, "BND1001", UnboundedTaskSpawnCodeFixProvider.ParallelForEachAsyncKey, EditorConfig);
        int[] failOn = { 4 };

        var before = await RunAsync(original, Enumerable.Range(0, Items), failOn);
        var after = await RunAsync(fixedSource, Enumerable.Range(0, Items), failOn);

        Assert.IsType<InvalidOperationException>(before.Error);
        Assert.Equal("item 4 failed", before.Error!.Message);
        Assert.Equal(before.Error.GetType(), after.Error?.GetType());
        Assert.Equal(before.Error.Message, after.Error!.Message);
        Assert.Equal(Enumerable.Range(0, Items), before.Processed.OrderBy(i => i));
        Assert.Contains(4, after.Processed);
        Assert.Equal(after.Processed.Length, after.Processed.Distinct().Count());
    }

    /// <summary>
    /// The body of the Parallel.ForEachAsync rewrite reads the token it is handed, not the outer one: when an item fails,
    /// ForEachAsync cancels that token, so items still running stop and the failure surfaces. With the outer token they
    /// would wait until it is cancelled (here: never), and the loop with them.
    /// </summary>
    [Fact]
    public async Task ParallelForEachAsyncBodyStopsWhenAnotherItemFails()
    {
        const string original = """
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            public class Subject
            {
                public static int Cancelled;

                public static async Task WaitAsync(int item, CancellationToken cancellationToken)
                {
                    if (item == 0)
                    {
                        await Task.Delay(50);
                        throw new InvalidOperationException("item 0 failed");
                    }

                    try
                    {
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        Interlocked.Increment(ref Cancelled);
                        throw;
                    }
                }

                public async Task RunAsync(IEnumerable<int> items, CancellationToken cancellationToken)
                {
                    var pending = new List<Task>();
                    foreach (var item in items)
                    {
                        pending.Add(Task.Run(() => WaitAsync(item, cancellationToken)));
                    }

                    await Task.WhenAll(pending);
                }
            }
            """;
        var fixedSource = await AppliedFix.ApplyAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(original, "BND1001", UnboundedTaskSpawnCodeFixProvider.ParallelForEachAsyncKey, EditorConfig);
        Assert.Contains("WaitAsync(item, ct)", fixedSource);

        using var compiled = InMemoryAssembly.Compile(fixedSource);
        var type = compiled.GetType("Subject");
        var subject = Activator.CreateInstance(type)!;
        var run = (Task)type.GetMethod("RunAsync")!.Invoke(subject, new object[] { Enumerable.Range(0, 3), CancellationToken.None })!;
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(run, finished);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => run);
        Assert.Equal("item 0 failed", error.Message);
        Assert.Equal(2, (int)type.GetField("Cancelled")!.GetValue(null)!);
    }

    /// <summary>A source that fails part-way: the rewrites surface the same exception after every item taken before it ran.</summary>
    [Theory]
    [InlineData(nameof(CollectedTaskRuns))]
    [InlineData(nameof(FireAndForget))]
    public async Task LoopRewritesSurfaceASourceFailureAfterTheItemsTakenRan(string shape)
    {
        const int taken = 8;
        var original = Probe + (shape == nameof(FireAndForget) ? FireAndForget : CollectedTaskRuns);
        var fixedSource = shape == nameof(FireAndForget)
            ? await ChannelFixAsync()
            : await AppliedFix.ApplyAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(original, "BND1001", UnboundedTaskSpawnCodeFixProvider.ParallelForEachAsyncKey, EditorConfig);

        var before = await RunAsync(original, FailingAfter(taken), waitForProcessed: taken);
        var after = await RunAsync(fixedSource, FailingAfter(taken));

        Assert.IsType<System.IO.InvalidDataException>(before.Error);
        Assert.Equal(before.Error!.GetType(), after.Error?.GetType());
        Assert.Equal(before.Error.Message, after.Error!.Message);
        Assert.Equal(Enumerable.Range(0, taken), before.Processed.OrderBy(i => i));

        // The fixed method ends only after the work on every item it took.
        Assert.Equal(Enumerable.Range(0, taken), after.Processed.OrderBy(i => i));
        Assert.True(after.Peak <= Limit, $"the fixed program ran {after.Peak} at once, limit {Limit}");
    }

    private static async Task AssertParallelRewriteAsync(string original, string fixedSource)
    {
        Assert.Contains("Parallel.ForEachAsync", fixedSource);

        var before = await RunAsync(original, Enumerable.Range(0, Items), holdUntilPeakAbove: Limit);
        var after = await RunAsync(fixedSource, Enumerable.Range(0, Items));

        Assert.Null(after.Error);
        Assert.Equal(Enumerable.Range(0, Items), before.Processed.OrderBy(i => i));
        Assert.Equal(Enumerable.Range(0, Items), after.Processed.OrderBy(i => i));
        Assert.True(before.Peak > Limit, $"the original should run more than {Limit} at once, ran {before.Peak}");
        Assert.True(after.Peak <= Limit, $"the fixed program ran {after.Peak} at once, limit {Limit}:{Environment.NewLine}{fixedSource}");
    }

    // ---- bounded channel rewrite ----

    private const string FireAndForget = """
        public class Subject
        {
            public async Task RunAsync(IEnumerable<int> items)
            {
                foreach (var item in items)
                {
                    _ = Task.Run(() => Probe.RecordAsync(item));
                }

                await Task.Yield();
            }
        }
        """;

    private const string AsyncStreamFireAndForget = """
        public class Subject
        {
            public async Task RunAsync(IAsyncEnumerable<int> items)
            {
                await foreach (var item in items)
                {
                    _ = Task.Run(async () =>
                    {
                        await Probe.RecordAsync(item);
                    });
                }
            }
        }
        """;

    private static Task<string> ChannelFixAsync(string shape = FireAndForget) => Fixed(shape, () =>
        AppliedFix.ApplyAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Probe + shape, "BND1001", UnboundedTaskSpawnCodeFixProvider.BoundedChannelKey, EditorConfig));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ChannelFixProcessesTenThousandItemsExactlyOnce(bool asyncStream)
    {
        const int count = 10_000;
        var fixedSource = await ChannelFixAsync(asyncStream ? AsyncStreamFireAndForget : FireAndForget);
        Assert.Contains("Channel.CreateBounded", fixedSource);

        var after = await RunAsync(fixedSource, Enumerable.Range(0, count), delayMs: 0);

        Assert.Null(after.Error);
        // The fixed method returns only when the work is done: nothing is left running.
        Assert.Equal(count, after.Processed.Length);
        Assert.Equal(Enumerable.Range(0, count), after.Processed.OrderBy(i => i));
        Assert.True(after.Peak <= Limit, $"the fixed program ran {after.Peak} at once, limit {Limit}");
    }

    [Fact]
    public async Task ChannelFixBoundsConcurrencyWhereTheOriginalDoesNot()
    {
        var fixedSource = await ChannelFixAsync();

        var before = await RunAsync(Probe + FireAndForget, Enumerable.Range(0, Items), waitForProcessed: Items, holdUntilPeakAbove: Limit);
        var after = await RunAsync(fixedSource, Enumerable.Range(0, Items));

        Assert.Equal(Enumerable.Range(0, Items), before.Processed.OrderBy(i => i));
        Assert.Equal(Enumerable.Range(0, Items), after.Processed.OrderBy(i => i));
        Assert.True(before.Peak > Limit, $"the original should run more than {Limit} at once, ran {before.Peak}");
        Assert.True(after.Peak <= Limit, $"the fixed program ran {after.Peak} at once, limit {Limit}");
    }

    /// <summary>
    /// Docs: a failing worker completes the channel with its exception, the loop stops writing, the other workers
    /// drain what was already written (nothing written is dropped) and the exception is rethrown.
    /// </summary>
    [Fact]
    public async Task ChannelFixSurfacesTheWorkerExceptionAndDropsNothingWritten()
    {
        const int count = 10_000;
        const int failing = 100;
        var fixedSource = await ChannelFixAsync();
        var yielded = new ConcurrentQueue<int>();

        // Items after the failing one take 20 ms: the loop cannot race through all of them while the failure travels.
        var after = await RunAsync(fixedSource, Tracked(Enumerable.Range(0, count), yielded), new[] { failing }, delayMs: 0, slowAfterItem: failing);

        Assert.IsType<InvalidOperationException>(after.Error);
        Assert.Equal("item 100 failed", after.Error!.Message);
        var taken = yielded.ToArray();
        Assert.True(taken.Length < count, "the loop should stop writing after the failure");
        Assert.Contains(failing, after.Processed);
        Assert.Equal(after.Processed.Length, after.Processed.Distinct().Count());
        Assert.All(after.Processed, item => Assert.Contains(item, taken));

        // Every item the loop took was written and processed, except at most the last one, whose write found the channel closed.
        var written = taken.Take(taken.Length - 1);
        Assert.Empty(written.Except(after.Processed));
    }

    private static async IAsyncEnumerable<int> Stream(IEnumerable<int> items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    private static IEnumerable<int> Tracked(IEnumerable<int> source, ConcurrentQueue<int> yielded)
    {
        foreach (var item in source)
        {
            yielded.Enqueue(item);
            yield return item;
        }
    }

    // ---- running a program ----

    /// <param name="StartedOutcomes">How each task the program put in <c>Probe.Started</c> ended: a status, or the exception's type.</param>
    private sealed record Outcome(int[]? Results, Exception? Error, string[] AllErrors, int[] Processed, int Peak, string[] StartedOutcomes);

    /// <summary>Calls <c>Subject.RunAsync(items)</c>; with <paramref name="waitForProcessed"/> also waits for fire-and-forget work to record that many items.</summary>
    private static async Task<Outcome> RunAsync(string source, IEnumerable<int> items, int[]? failOn = null, int delayMs = 15, int waitForProcessed = 0, int[]? rejectOn = null, TimeSpan? cancelAfter = null, int holdUntilPeakAbove = 0, int slowAfterItem = int.MaxValue)
    {
        using var compiled = InMemoryAssembly.Compile(source);
        var probe = compiled.GetType("Probe");
        probe.GetField("FailOn")!.SetValue(null, failOn ?? Array.Empty<int>());
        probe.GetField("DelayMs")!.SetValue(null, delayMs);
        probe.GetField("RejectOn")!.SetValue(null, rejectOn ?? Array.Empty<int>());
        probe.GetField("HoldUntilPeakAbove")!.SetValue(null, holdUntilPeakAbove);
        probe.GetField("SlowAfterItem")!.SetValue(null, slowAfterItem);
        var subjectType = compiled.GetType("Subject");
        var run = subjectType.GetMethod("RunAsync")!;
        var parameterType = run.GetParameters()[0].ParameterType;
        object argument = parameterType == typeof(List<int>) ? items.ToList()
            : parameterType == typeof(IAsyncEnumerable<int>) ? Stream(items)
            : items;

        using var cancellation = new CancellationTokenSource();
        var arguments = run.GetParameters().Length == 2 ? new[] { argument, cancellation.Token } : new[] { argument };
        var task = (Task)run.Invoke(Activator.CreateInstance(subjectType), arguments)!;
        if (cancelAfter is { } delay)
        {
            cancellation.CancelAfter(delay);
        }

        int[]? results = null;
        Exception? error = null;
        try
        {
            await task.WaitAsync(Timeout);
            results = (task as Task<int[]>)?.Result;
        }
        catch (TimeoutException)
        {
            throw;
        }
        catch (Exception exception)
        {
            error = exception;
        }

        var processed = (ConcurrentQueue<int>)probe.GetField("Processed")!.GetValue(null)!;
        using (var deadline = new CancellationTokenSource(Timeout))
        {
            while (processed.Count < waitForProcessed)
            {
                await Task.Delay(5, deadline.Token);
            }
        }

        var started = ((ConcurrentQueue<Task>)probe.GetField("Started")!.GetValue(null)!).ToArray();
        try
        {
            await Task.WhenAll(started).WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw;
        }
        catch (Exception)
        {
            // Reported per task below.
        }

        var startedOutcomes = started.Select(t => t.Exception is { } failure ? failure.InnerException!.GetType().Name : t.Status.ToString()).ToArray();
        var allErrors = task.Exception?.InnerExceptions.Select(e => e.GetType().Name + ": " + e.Message).ToArray() ?? Array.Empty<string>();
        return new Outcome(results, error, allErrors, processed.ToArray(), (int)probe.GetField("Peak")!.GetValue(null)!, startedOutcomes);
    }
}
