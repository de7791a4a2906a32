using System.Threading.Tasks;
using Bounded.Analyzers;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.BND1004Verify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>BND1004: look-alikes and options that must stay quiet.</summary>
public class BND1004DoesNotReportTests
{
    // Corpus (Caching/ProductCache.cs): a local semaphore waited and released in finally inside a Select lambda.
    [Fact]
    public Task LocalGateInsideSelectLambda() => Check("""
            public async Task ReloadAllAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
            {
                using var gate = new SemaphoreSlim(8);
                var loads = keys.Select(async key =>
                {
                    await gate.WaitAsync(cancellationToken);
                    try
                    {
                        await Task.Delay(1, cancellationToken);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }).ToList();
                await Task.WhenAll(loads);
            }
        """);

    // A lambda or local function is analysed over its own graph. Its root region's EnclosingRegion is the region of the
    // containing function around it (a using declaration, a foreach over an enumerator, a try): an exception leaving the
    // lambda must not run those outer finally blocks against the lambda's blocks.
    [Fact]
    public Task LocalGateInsideASyncSelectLambdaInAUsingBlock() => Check("""
            public List<int> Measure(IEnumerable<string> keys)
            {
                using (var gate = new SemaphoreSlim(4))
                {
                    return keys.Select(key =>
                    {
                        gate.Wait();
                        try
                        {
                            Log(key);
                            return key.Length;
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }).ToList();
                }
            }
        """);

    [Fact]
    public Task LocalGateInsideALocalFunction() => Check("""
            public async Task ReloadAllAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
            {
                using var gate = new SemaphoreSlim(8);
                await Task.WhenAll(keys.Select(ReloadAsync));

                async Task ReloadAsync(string key)
                {
                    await gate.WaitAsync(cancellationToken);
                    try
                    {
                        await SaveAsync(key, cancellationToken);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
            }
        """);

    [Fact]
    public Task LocalGateInsideASyncLocalFunction() => Check("""
            public List<int> Measure(IEnumerable<string> keys)
            {
                using var gate = new SemaphoreSlim(4);
                return keys.Select(MeasureOne).ToList();

                int MeasureOne(string key)
                {
                    gate.Wait();
                    try
                    {
                        Log(key);
                        return key.Length;
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
            }
        """);

    // A local function's graph hangs below the regions of the block that declares it: here the outer try.
    [Fact]
    public Task LocalFunctionDeclaredInsideAnOuterTry() => Check("""
            public async Task ReloadAllAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
            {
                using var gate = new SemaphoreSlim(8);
                try
                {
                    await Task.WhenAll(keys.Select(ReloadAsync));

                    async Task ReloadAsync(string key)
                    {
                        await gate.WaitAsync(cancellationToken);
                        try
                        {
                            await SaveAsync(key, cancellationToken);
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }
                }
                finally
                {
                    Log("reloaded");
                }
            }
        """);

    // The shape the BND1001 fix writes in a synchronous method: the throttle is waited inside the spawned task.
    [Fact]
    public Task TaskRunInALoopWaitsInsideTheTask() => Check("""
            public void SaveAll(IEnumerable<Message> messages)
            {
                using var throttle = new SemaphoreSlim(8);
                var tasks = new List<Task>();
                foreach (var message in messages)
                {
                    tasks.Add(Task.Run(async () =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            await SaveAsync(message.Id, CancellationToken.None);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                Task.WaitAll(tasks.ToArray());
            }
        """);

    [Fact]
    public Task FieldGateInsideALambdaInAForeach() => Check("""
            public async Task HandleAsync(IEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                var tasks = new List<Task>();
                foreach (var message in messages)
                {
                    tasks.Add(Task.Run(async () =>
                    {
                        await _gate.WaitAsync(cancellationToken);
                        try
                        {
                            await SaveAsync(message.Id, cancellationToken);
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }, cancellationToken));
                }

                await Task.WhenAll(tasks);
            }
        """);

    [Fact]
    public Task FieldGateInsideALambdaInAnOuterTryFinally() => Check("""
            public async Task HandleAsync(IEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                try
                {
                    await Task.WhenAll(messages.Select(async message =>
                    {
                        await _gate.WaitAsync(cancellationToken);
                        try
                        {
                            await SaveAsync(message.Id, cancellationToken);
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }));
                }
                finally
                {
                    Log("done");
                }
            }
        """);


    [Fact]
    public Task WaitBeforeTryReleaseInFinally() => Check("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    _gate.Release();
                }
            }
        """);

    // rabbitmq-dotnet-client's Channel: cleanup that can throw runs first in the finally; the release is still in the finally.
    [Fact]
    public Task ReleaseInFinallyAfterOtherCleanup() => Check("""
            public async Task CloseAsync(Message message, bool abort, CancellationToken cancellationToken)
            {
                var enqueued = false;
                await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    enqueued = _count++ > 0;
                    await SaveAsync(message.Id, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException) when (abort)
                {
                }
                finally
                {
                    if (enqueued)
                    {
                        Log("dispose " + message.Id);
                    }

                    _gate.Release();
                    Log("closed");
                }
            }
        """);

    // rabbitmq-dotnet-client's topology recovery: the caller holds the slot; the method gives it back while an
    // event handler runs, and takes it again in a finally before it returns.
    [Fact]
    public Task CallerHeldSlotGivenBackAroundACallback() => Check("""
            public async Task RecoverAsync(IEnumerable<Message> messages, bool gateHeld, Func<Message, Task> onFailure, CancellationToken cancellationToken)
            {
                if (!gateHeld)
                {
                    throw new InvalidOperationException("the gate must be held");
                }

                foreach (var message in messages)
                {
                    try
                    {
                        await SaveAsync(message.Id, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        try
                        {
                            _gate.Release();
                            await onFailure(message).ConfigureAwait(false);
                        }
                        finally
                        {
                            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
            }
        """);

    // Quartz.NET's scheduler thread: a signal semaphore (initial count 0) drained on pause, released on resume.
    [Fact]
    public Task SignalDrainedOnPauseAndReleasedOnResume() => Check("""
            private readonly SemaphoreSlim _resumed = new SemaphoreSlim(0);
            private readonly object _sync = new object();
            private bool _paused;

            public void TogglePause(bool pause)
            {
                lock (_sync)
                {
                    _paused = pause;
                }

                if (pause)
                {
                    while (_resumed.Wait(0)) { }
                    Log("paused");
                }
                else
                {
                    _resumed.Release();
                }
            }
        """);

    // Quartz.NET's TaskSchedulingThreadPool.TryRun: the slot goes with the task; its continuation releases it.
    [Fact]
    public Task SlotHandedToAContinuationThatReleasesIt() => Check("""
            private bool _shuttingDown;

            public async ValueTask<bool> TryRunAsync(Func<Task> action, CancellationToken cancellationToken)
            {
                try
                {
                    await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }

                var task = new Task<Task>(action);
                if (_shuttingDown)
                {
                    _gate.Release();
                    return false;
                }

                _ = task.Unwrap().ContinueWith(Completed, CancellationToken.None);
                task.Start(TaskScheduler.Default);
                return true;
            }

            private void Completed(Task task) => _gate.Release();
        """);

    // MySqlConnector's ConnectionPool: the slot stays taken while the caller holds the session; a failure gives it back.
    [Fact]
    public Task SlotLeasedWithTheReturnedSessionAndReleasedOnFailure() => Check("""
            private readonly LinkedList<Message> _idle = new();

            public async Task<Message> RentSessionAsync(CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    lock (_idle)
                    {
                        if (_idle.First is { } first)
                        {
                            _idle.RemoveFirst();
                            return first.Value;
                        }
                    }

                    await SaveAsync("open", cancellationToken).ConfigureAwait(false);
                    return new Message("new", Array.Empty<byte>());
                }
                catch (Exception)
                {
                    _gate.Release();
                    throw;
                }
            }
        """);

    [Fact]
    public Task TimedWaitCheckedWithEarlyReturn() => Check("""
            public async Task<bool> TryUpdateAsync(CancellationToken cancellationToken)
            {
                if (!await _gate.WaitAsync(100, cancellationToken))
                {
                    return false;
                }

                try
                {
                    await SaveAsync("x", cancellationToken);
                    return true;
                }
                finally
                {
                    _gate.Release();
                }
            }
        """);

    [Fact]
    public Task TimedWaitCheckedAroundTheWork() => Check("""
            public void TryUpdate()
            {
                if (_gate.Wait(0))
                {
                    try
                    {
                        Log("updating");
                        _count++;
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
        """);

    [Fact]
    public Task TakenFlagInsideTheTry() => Check("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                var taken = false;
                try
                {
                    await _gate.WaitAsync(cancellationToken);
                    taken = true;
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    if (taken)
                    {
                        _gate.Release();
                    }
                }
            }
        """);

    [Fact]
    public Task ThrottleReleasedInsideTheSpawnedTask() => Check("""
            public async Task CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<string>>();
                using var throttle = new SemaphoreSlim(8);
                foreach (var url in urls)
                {
                    await throttle.WaitAsync(cancellationToken);
                    tasks.Add(Task.Run(async () =>
                    {
                        try
                        {
                            return await _http.GetStringAsync(url, cancellationToken);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                await Task.WhenAll(tasks);
            }
        """);

    [Fact]
    public Task LockHelperReturnsAReleaser() => Check("""
            public async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken);
                return new Releaser(_gate);
            }

            private sealed class Releaser : IDisposable
            {
                private readonly SemaphoreSlim _semaphore;
                public Releaser(SemaphoreSlim semaphore) => _semaphore = semaphore;
                public void Dispose() => _semaphore.Release();
            }
        """);

    [Fact]
    public Task EnterAndExitInSeparateMethods() => Check("""
            public void Enter()
            {
                _gate.Wait();
                Log("entered");
            }

            public void Exit()
            {
                Log("leaving");
                _gate.Release();
            }
        """);

    [Fact]
    public Task NothingThatCanThrowBetween() => Check("""
            public void Increment()
            {
                _gate.Wait();
                _count++;
                _gate.Release();
            }
        """);

    [Fact]
    public Task NestedLocksEachWithTheirOwnFinally() => Check("""
            public async Task TransferAsync(CancellationToken cancellationToken)
            {
                await s_lock.WaitAsync(cancellationToken);
                try
                {
                    await _gate.WaitAsync(cancellationToken);
                    try
                    {
                        await SaveAsync("transfer", cancellationToken);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
                finally
                {
                    s_lock.Release();
                }
            }
        """);

    [Fact]
    public Task SemaphoreOfAnotherObjectIsNotAnalysed() => Check("""
            public async Task UseAsync(Service other, CancellationToken cancellationToken)
            {
                try
                {
                    await other._gate.WaitAsync(cancellationToken);
                    await SaveAsync("x", cancellationToken);
                }
                finally
                {
                    other._gate.Release();
                }
            }
        """);

    [Fact]
    public Task TimedWaitInAWhileLoop() => Check("""
            public void Update()
            {
                while (!_gate.Wait(100))
                {
                    Log("waiting");
                }

                try
                {
                    _count++;
                }
                finally
                {
                    _gate.Release();
                }
            }
        """);

    [Fact]
    public Task CatchReleasesAndRethrowsThenNormalRelease() => Check("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    await SaveAsync(message.Id, cancellationToken);
                }
                catch
                {
                    _gate.Release();
                    throw;
                }

                _gate.Release();
            }
        """);

    [Fact]
    public Task SwitchAndGotoInsideTryFinally() => Check("""
            public async Task<string> DescribeAsync(int kind, CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                retry:
                    switch (kind)
                    {
                        case 0:
                            return "none";
                        case 1:
                            kind = 2;
                            goto retry;
                        default:
                            await SaveAsync(kind.ToString(), cancellationToken);
                            return "some";
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        """);

    [Fact]
    public Task ContinueInsideTryFinallyInALoop() => Check("""
            public async Task SaveAllAsync(IEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                foreach (var message in messages)
                {
                    await _gate.WaitAsync(cancellationToken);
                    try
                    {
                        if (message.Body.Length == 0)
                        {
                            continue;
                        }

                        await SaveAsync(message.Id, cancellationToken);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
        """);

    [Fact]
    public Task StoredWaitTaskIsNotAnalysed() => Check("""
            public async Task SaveAsync(CancellationToken cancellationToken)
            {
                var entered = _gate.WaitAsync(cancellationToken);
                Log("waiting");
                await entered;
                await SaveAsync("x", cancellationToken);
                _gate.Release();
            }
        """);

    [Fact]
    public Task TimedWaitKeptInAVariableIsNotAnalysed() => Check("""
            public void TryUpdate()
            {
                var acquired = _gate.Wait(100);
                if (!acquired)
                {
                    return;
                }

                try
                {
                    _count++;
                }
                finally
                {
                    _gate.Release();
                }
            }
        """);

    [Fact]
    public Task ReleaseWithACountIsNotAnalysed() => Check("""
            public void Drain()
            {
                _gate.Wait();
                _gate.Wait();
                Log("both");
                _gate.Release(2);
            }
        """);

    [Fact]
    public Task SemaphoreHandedToAnotherMethodIsNotAnalysed() => Check("""
            public async Task StartAsync(CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken);
                await SaveAsync("x", cancellationToken);
                ReleaseLater(_gate);
            }

            private static void ReleaseLater(SemaphoreSlim semaphore) => semaphore.Release();
        """);

    [Fact]
    public Task UsingDeclarationAndTryFinally() => Check("""
            public async Task AppendAsync(string path, string line, CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    using var writer = File.AppendText(path);
                    await writer.WriteLineAsync(line);
                }
                finally
                {
                    _gate.Release();
                }
            }
        """);

    [Fact]
    public Task BackgroundServiceLoopWithTryFinally() => Check("""
            public async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    await s_lock.WaitAsync(stoppingToken);
                    try
                    {
                        await SaveAsync("tick", stoppingToken);
                    }
                    finally
                    {
                        s_lock.Release();
                    }

                    await Task.Delay(1000, stoppingToken);
                }
            }
        """);

    [Fact]
    public Task SignalSemaphoreWaitedWithATimeoutAndNeverReleasedHere() => Check("""
            public void PollLoop(CancellationToken cancellationToken)
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    _gate.Wait(TimeSpan.FromSeconds(5));
                    Log("woke up");
                }
            }

            public void Wake() => _gate.Release();
        """);

    [Fact]
    public Task SignalReleasedBeforeItIsAwaited() => Check("""
            public async Task PingAsync(CancellationToken cancellationToken)
            {
                _gate.Release();
                Log("signalled");
                await _gate.WaitAsync(cancellationToken);
                _count++;
                _gate.Release();
            }
        """);

    // A wait with neither a token nor a timeout fails only when the semaphore is disposed, and then the finally's
    // Release throws as well: no slot that was never taken is given back.
    [Fact]
    public Task WaitThatCannotFailWithTheSemaphoreIntactMayBeInsideTheTry() => Check("""
            public async Task<string> FetchAsync(string url)
            {
                try
                {
                    await _gate.WaitAsync();
                    return await _http.GetStringAsync(url);
                }
                finally
                {
                    _gate.Release();
                }
            }

            public void Increment()
            {
                try
                {
                    _gate.Wait(CancellationToken.None);
                    _count++;
                }
                finally
                {
                    _gate.Release();
                }
            }
        """);

    // The same principle on every path: the tokenless wait of a later iteration cannot throw, so its finally never runs
    // after the previous iteration's release without a wait of its own. No "released twice".
    [Fact]
    public Task WaitThatCannotFailInsideTheTryOfALoopIsNotReleasedTwice() => Check("""
            public async Task CleanUpAsync()
            {
                while (_count < 100)
                {
                    try
                    {
                        try
                        {
                            await _gate.WaitAsync();
                            _count++;
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }
                    catch (Exception e)
                    {
                        Log(e.Message);
                    }
                    finally
                    {
                        await Task.Delay(1000);
                    }
                }
            }
        """);
}
