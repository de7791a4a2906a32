using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.ConcurrencyVerify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>Exact output of the SemaphoreSlim fix for BND1003 (thread per item).</summary>
public class BND1003FixTests
{
    [Fact]
    public Task ThreadPerItemInAsyncLoopWaitsForASlot() => FixThreads("""
        class Converter
        {
            private void Convert(string path) { }

            public async Task ConvertAllAsync(IAsyncEnumerable<string> paths, CancellationToken cancellationToken)
            {
                await foreach (var path in paths)
                {
                    var thread = {|BND1003:new Thread|}(() => Convert(path));
                    thread.Start();
                }
            }
        }
        """, """
        class Converter
        {
            private void Convert(string path) { }

            public async Task ConvertAllAsync(IAsyncEnumerable<string> paths, CancellationToken cancellationToken)
            {
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                await foreach (var path in paths)
                {
                    await throttle.WaitAsync(cancellationToken);
                    var thread = new Thread(() =>
                    {
                        try
                        {
                            Convert(path);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    });
                    thread.Start();
                }
            }
        }
        """);

    [Fact]
    public Task LongRunningTaskPerQueueWaitsForASlot() => FixThreads("""
        class Listener
        {
            private void Pump(string queue) { }

            public async Task ListenAsync(IEnumerable<string> queues)
            {
                var pumps = new List<Task>();
                foreach (var queue in queues)
                {
                    pumps.Add({|BND1003:Task.Factory.StartNew|}(() => Pump(queue), TaskCreationOptions.LongRunning));
                }

                await Task.WhenAll(pumps);
            }
        }
        """, """
        class Listener
        {
            private void Pump(string queue) { }

            public async Task ListenAsync(IEnumerable<string> queues)
            {
                var pumps = new List<Task>();
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var queue in queues)
                {
                    await throttle.WaitAsync();
                    pumps.Add(Task.Factory.StartNew(() =>
                    {
                        try
                        {
                            Pump(queue);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }, TaskCreationOptions.LongRunning));
                }

                await Task.WhenAll(pumps);
            }
        }
        """);

    /// <summary>
    /// A synchronous loop cannot await a slot: it blocks on throttle.Wait() before each thread, the synchronous form
    /// of the same backpressure, and the thread releases its slot when it ends.
    /// </summary>
    [Fact]
    public Task ThreadsInASyncMethodWaitForASlotBlocking() => FixThreads("""
        class Converter
        {
            private void Convert(string path) { }

            public void ConvertAll(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    {|BND1003:new Thread|}(() => Convert(path)).Start();
                }
            }
        }
        """, """
        class Converter
        {
            private void Convert(string path) { }

            public void ConvertAll(IEnumerable<string> paths)
            {
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var path in paths)
                {
                    throttle.Wait();
                    new Thread(() =>
                    {
                        try
                        {
                            Convert(path);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }).Start();
                }
            }
        }
        """);

    /// <summary>No blocking wait inside a lock: the loop would hold the lock while it waits for work that may need it.</summary>
    [Fact]
    public Task NoBlockingWaitInsideALock() => Verify.NoFixAsync<ThreadPerItemAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + """
        class Converter
        {
            private readonly object _sync = new object();
            private void Convert(string path) { }

            public void ConvertAll(IEnumerable<string> paths)
            {
                lock (_sync)
                {
                    foreach (var path in paths)
                    {
                        {|BND1003:new Thread|}(() => Convert(path)).Start();
                    }
                }
            }
        }
        """);
}
