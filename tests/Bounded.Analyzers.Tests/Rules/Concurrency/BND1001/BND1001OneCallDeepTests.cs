using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.ConcurrencyVerify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>
/// One call deep: a loop that calls, per item, a method of the project whose every call starts a pool work item (a
/// wrapper over ThreadPool.QueueUserWorkItem or Task.Run) starts work per item just as if it called Task.Run itself.
/// </summary>
public class BND1001OneCallDeepTests
{
    private static DiagnosticResult Deep(int marker, string callee, string started, string where = Loop) =>
        BND1001(marker, callee, where, "it calls '" + started + "' each time (one call deep); throttle the calls or the work inside it");

    /// <summary>The wrapper lives in another file, as a project's threading helper does.</summary>
    private static Task ReportsWithHelperFile(string members, string helper, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<UnboundedTaskSpawnAnalyzer> { TestCode = ConcurrencySources.Wrap(members) };
        test.TestState.Sources.Add(("/0/Helper.cs", helper));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private const string ThreadAbstraction = """
        using System;
        using System.Threading;

        internal static class ThreadAbstraction
        {
            internal static void ExecuteThread(Action action)
            {
                ThreadPool.QueueUserWorkItem(_ => action());
            }
        }
        """;

    [Fact]
    public Task WrapperOverQueueUserWorkItemInAnotherFile() => ReportsWithHelperFile("""
            public void Upload(Stream source, int chunkSize)
            {
                var buffer = new byte[chunkSize];
                int read;
                while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
                {
                    var chunk = buffer.AsSpan(0, read).ToArray();
                    ThreadAbstraction.{|#0:ExecuteThread|}(() => _results.Add(chunk.Length.ToString()));
                }
            }
        """, ThreadAbstraction, Deep(0, "ExecuteThread", "ThreadPool.QueueUserWorkItem"));

    [Fact]
    public Task PrivateWrapperOverTaskRunPerOrder() => Reports("""
            public void ScoreAll(IEnumerable<Order> orders)
            {
                foreach (var order in orders)
                {
                    {|#0:ScoreInBackground|}(order);
                }
            }

            private void ScoreInBackground(Order order)
            {
                _ = Task.Run(() => _results.Add(Score(order).ToString()));
            }
        """, Deep(0, "ScoreInBackground", "Task.Run"));

    [Fact]
    public Task ExpressionBodiedWrapperOverStartNew() => Reports("""
            public void IndexAll(string[] paths)
            {
                for (var i = 0; i < paths.Length; i++)
                {
                    {|#0:Background|}(paths[i]);
                }
            }

            private void Background(string path) => Task.Factory.StartNew(() => Index(path));
        """, Deep(0, "Background", "Task.Factory.StartNew"));

    [Fact]
    public Task StaticWrapperPerElementOfListForEach() => Reports("""
            public void Notify(List<Message> messages)
            {
                messages.ForEach(message => {|#0:Fire|}(message));
            }

            private static void Fire(Message message) => ThreadPool.UnsafeQueueUserWorkItem(_ => Console.WriteLine(message.Id), null);
        """, Deep(0, "Fire", "ThreadPool.UnsafeQueueUserWorkItem", "element passed to 'ForEach'"));

    [Fact]
    public Task LocalFunctionWrapperPerLine() => Reports("""
            public void Transform(IEnumerable<string> lines)
            {
                foreach (var line in lines)
                {
                    {|#0:Offload|}(line);
                }

                void Offload(string text)
                {
                    Task.Run(() => _results.Add(Transform(text)));
                }
            }
        """, Deep(0, "Offload", "Task.Run"));

    [Fact]
    public Task WrapperCalledPerReceivedMessage() => Reports("""
            public async Task PumpAsync(ChannelReader<Message> reader, CancellationToken cancellationToken)
            {
                await foreach (var message in reader.ReadAllAsync(cancellationToken))
                {
                    {|#0:Dispatch|}(message);
                }
            }

            private void Dispatch(Message message)
            {
                System.Threading.ThreadPool.QueueUserWorkItem(_ => _handler.HandleAsync(message, CancellationToken.None));
            }
        """, Deep(0, "Dispatch", "ThreadPool.QueueUserWorkItem"));

    /// <summary>A drainer started only when none runs (single flight) is one worker, whatever the loop does.</summary>
    [Fact]
    public Task ConditionalStartIsNotAWrapper() => Clean("""
            private readonly ConcurrentQueue<Message> _queue = new();
            private int _draining;

            public void EnqueueAll(IEnumerable<Message> messages)
            {
                foreach (var message in messages)
                {
                    Enqueue(message);
                }
            }

            private void Enqueue(Message message)
            {
                _queue.Enqueue(message);
                if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
                {
                    _ = Task.Run(Drain);
                }
            }

            private void Drain()
            {
                while (_queue.TryDequeue(out var message))
                {
                    _results.Add(message.Id);
                }

                Volatile.Write(ref _draining, 0);
            }
        """);

    /// <summary>An early return before the start: only some calls start work (a counter that notifies when it reaches zero).</summary>
    [Fact]
    public Task StartAfterAnEarlyReturnIsNotAWrapper() => Clean("""
            private long _active;

            public void CompleteAll(IEnumerable<Message> messages)
            {
                foreach (var message in messages)
                {
                    Complete();
                }
            }

            private void Complete()
            {
                if (Interlocked.Decrement(ref _active) != 0)
                {
                    return;
                }

                Task.Run(() => _results.Add("idle"));
            }
        """);

    [Fact]
    public Task WrapperThatWaitsForItsWorkIsNotAStart() => Clean("""
            public void ScoreAll(IEnumerable<Order> orders)
            {
                foreach (var order in orders)
                {
                    ScoreAndWait(order);
                }
            }

            private void ScoreAndWait(Order order)
            {
                Task.Run(() => Score(order)).Wait();
            }
        """);

    [Fact]
    public Task WrapperOverALongRunningTaskIsAThreadNotPoolWork() => Clean("""
            public void WatchAll(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    Watch(path);
                }
            }

            private void Watch(string path) => Task.Factory.StartNew(() => Index(path), TaskCreationOptions.LongRunning);
        """);

    [Fact]
    public Task WrapperCalledOverASmallFixedSetIsBounded() => Clean("""
            public void WarmUp()
            {
                foreach (var path in new[] { "a", "b", "c" })
                {
                    Background(path);
                }
            }

            private void Background(string path) => Task.Run(() => Index(path));
        """);

    [Fact]
    public Task WrapperGatedInTheLoopIsBounded() => Clean("""
            public async Task ScoreAllAsync(IEnumerable<Order> orders, CancellationToken cancellationToken)
            {
                foreach (var order in orders)
                {
                    await _gate.WaitAsync(cancellationToken);
                    ScoreInBackground(order);
                }
            }

            private void ScoreInBackground(Order order)
            {
                _ = Task.Run(() =>
                {
                    try
                    {
                        _results.Add(Score(order).ToString());
                    }
                    finally
                    {
                        _gate.Release();
                    }
                });
            }
        """);

    /// <summary>The work calls a method of the same type that waits on the type's own semaphore: the type is the limiter.</summary>
    [Fact]
    public Task WorkThatCallsAMethodTakingTheTypesGateIsBounded() => Clean("""
            public async Task<int[]> ScoreAllAsync(IReadOnlyList<Order> orders, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<int>>();
                foreach (var order in orders)
                {
                    tasks.Add(Task.Run(() => ScoreGatedAsync(order, cancellationToken), cancellationToken));
                }

                return await Task.WhenAll(tasks);
            }

            private async Task<int> ScoreGatedAsync(Order order, CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    return Score(order);
                }
                finally
                {
                    _gate.Release();
                }
            }
        """);

    /// <summary>A callee that takes no limiter gates nothing: the spawn per item is still reported.</summary>
    [Fact]
    public Task WorkThatCallsAnUngatedMethodIsStillReported() => Reports("""
            public async Task<int[]> ScoreAllAsync(IReadOnlyList<Order> orders, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<int>>();
                foreach (var order in orders)
                {
                    tasks.Add({|#0:Task.Run|}(() => ScoreLaterAsync(order), cancellationToken));
                }

                return await Task.WhenAll(tasks);
            }

            private async Task<int> ScoreLaterAsync(Order order)
            {
                await Task.Yield();
                return Score(order);
            }
        """, BND1001(0));

    /// <summary>A virtual method's body may not be the one that runs.</summary>
    [Fact]
    public Task VirtualMethodIsNotRead() => Clean("""
            public void ScoreAll(IEnumerable<Order> orders)
            {
                foreach (var order in orders)
                {
                    OnScore(order);
                }
            }

            protected virtual void OnScore(Order order) => Task.Run(() => Score(order));
        """);

    [Fact]
    public Task NoFixIsOffered() => Verify.NoFixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(ConcurrencySources.Wrap("""
            public void ScoreAll(IEnumerable<Order> orders)
            {
                foreach (var order in orders)
                {
                    {|BND1001:ScoreInBackground|}(order);
                }
            }

            private void ScoreInBackground(Order order)
            {
                _ = Task.Run(() => _results.Add(Score(order).ToString()));
            }
        """));
}
