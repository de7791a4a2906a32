using System.Threading.Tasks;
using Bounded.Analyzers;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Bounded.Analyzers.Tests.Rules.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.BND1004Verify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>BND1004: code that is reported.</summary>
public class BND1004ReportsTests
{
    // The catch around the lambda does not run while the lambda runs: the exception still leaves the lambda holding the slot.
    [Fact]
    public Task ReleaseNotInFinallyInsideALambdaWithinAnOuterCatch() => Check("""
            public async Task HandleAsync(IEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                try
                {
                    await Task.WhenAll(messages.Select(async message =>
                    {
                        await _gate.{|#0:WaitAsync|}(cancellationToken);
                        await SaveAsync(message.Id, cancellationToken);
                        {|#1:_gate.Release()|};
                    }));
                }
                catch (Exception exception)
                {
                    Log(exception.Message);
                }
            }
        """, new DiagnosticResult(RuleIds.SemaphoreMisuse, DiagnosticSeverity.Info).WithLocation(0).WithLocation(1)
        .WithArguments("'_gate.Release()' is not in a finally block: if 'SaveAsync' throws, the slot is never released; move the release into a finally block"));

    // The message names the call that fails in practice (the awaited save), not the allocation before it.
    [Fact]
    public Task TheMessageNamesTheAwaitedCallBeforeAnAllocation() => Check("""
            public async Task<int> SaveAsync(Message message, CancellationToken cancellationToken)
            {
                await _gate.{|#0:WaitAsync|}(cancellationToken);
                var counts = new Dictionary<string, int>();
                counts[message.Id] = message.Body.Length;
                await SaveAsync(message.Id, cancellationToken);
                {|#1:_gate.Release()|};
                return counts.Count;
            }
        """, new DiagnosticResult(RuleIds.SemaphoreMisuse, DiagnosticSeverity.Info).WithLocation(0).WithLocation(1)
        .WithArguments("'_gate.Release()' is not in a finally block: if 'SaveAsync' throws, the slot is never released; move the release into a finally block"));

    // A bool field is a condition, not a `taken` flag: the path past it still holds the slot.
    [Fact]
    public Task EarlyReleaseUnderAFieldConditionThenReleaseNotInFinally() => Check("""
            private bool _closing;

            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                await _gate.{|#0:WaitAsync|}(cancellationToken);
                if (_closing)
                {
                    _gate.Release();
                    return;
                }

                await SaveAsync(message.Id, cancellationToken);
                _gate.Release();
            }
        """, new DiagnosticResult(RuleIds.SemaphoreMisuse, DiagnosticSeverity.Info).WithLocation(0)
        .WithArguments("'_gate.Release()' is not in a finally block: if 'SaveAsync' throws, the slot is never released; move the release into a finally block"));

    [Fact]
    public Task WaitAsyncInsideTheTry() => Check("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                try
                {
                    await _gate.{|BND1004:WaitAsync|}(cancellationToken);
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    _gate.Release();
                }
            }
        """);

    [Fact]
    public Task SyncWaitInsideTheTry() => Check("""
            public void Increment(CancellationToken cancellationToken)
            {
                try
                {
                    _gate.{|BND1004:Wait|}(cancellationToken);
                    _count++;
                }
                finally
                {
                    _gate.Release();
                }
            }
        """);

    [Fact]
    public Task WaitAsyncWithConfigureAwaitInsideTheTry() => Check("""
            public async Task<string> FetchAsync(string url, CancellationToken cancellationToken)
            {
                try
                {
                    await _gate.{|BND1004:WaitAsync|}(cancellationToken).ConfigureAwait(false);
                    return await _http.GetStringAsync(url, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _gate.Release();
                }
            }
        """);

    [Fact]
    public Task WaitInsideTheTryWithACatch() => Check("""
            public async Task HandleAsync(Message message, CancellationToken cancellationToken)
            {
                try
                {
                    await s_lock.{|BND1004:WaitAsync|}(cancellationToken);
                    await SaveAsync(message.Id, cancellationToken);
                }
                catch (IOException exception)
                {
                    Log(exception.Message);
                }
                finally
                {
                    s_lock.Release();
                }
            }
        """);

    [Fact]
    public Task TimedWaitResultIgnored() => Check("""
            public void Update()
            {
                _gate.{|BND1004:Wait|}(100);
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
    public Task TimedWaitAsyncResultIgnored() => Check("""
            public async Task UpdateAsync(CancellationToken cancellationToken)
            {
                await _gate.{|BND1004:WaitAsync|}(TimeSpan.FromSeconds(1), cancellationToken);
                try
                {
                    await SaveAsync("x", cancellationToken);
                }
                finally
                {
                    _gate.Release();
                }
            }
        """);

    [Fact]
    public Task TimedWaitResultDiscarded() => Check("""
            public void Update()
            {
                _ = _gate.{|BND1004:Wait|}(TimeSpan.FromMilliseconds(50));
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
    public Task ReleaseNotInFinallyAfterAnAwait() => Check("""
            public async Task SaveAllAsync(IEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                foreach (var message in messages)
                {
                    await _gate.{|BND1004:WaitAsync|}(cancellationToken);
                    await SaveAsync(message.Id, cancellationToken);
                    _gate.Release();
                }
            }
        """);

    [Fact]
    public Task EarlyReturnWithoutRelease() => Check("""
            public async Task AddAsync(CancellationToken cancellationToken)
            {
                await _gate.{|BND1004:WaitAsync|}(cancellationToken);
                if (_count > 10)
                {
                    return;
                }

                _count++;
                _gate.Release();
            }
        """);

    [Fact]
    public Task StaticLockReleasedAfterACall() => Check("""
            public static void Audit(string text)
            {
                s_lock.{|BND1004:Wait|}();
                Log(text);
                s_lock.Release();
            }
        """);

    [Fact]
    public Task LocalSemaphoreReleasedAfterACall() => Check("""
            public async Task CrawlAsync(IReadOnlyList<string> urls, CancellationToken cancellationToken)
            {
                using var throttle = new SemaphoreSlim(4);
                foreach (var url in urls)
                {
                    await throttle.{|BND1004:WaitAsync|}(cancellationToken);
                    var body = await _http.GetStringAsync(url, cancellationToken);
                    Log(body);
                    throttle.Release();
                }
            }
        """);

    [Fact]
    public Task ParameterSemaphoreReleasedAfterACall() => Check("""
            public static async Task RunAsync(SemaphoreSlim gate, Func<Task> work)
            {
                await gate.{|BND1004:WaitAsync|}();
                await work();
                gate.Release();
            }
        """);

    [Fact]
    public Task ReleaseWhenTheTimedWaitFailed() => Check("""
            public async Task TryUpdateAsync(CancellationToken cancellationToken)
            {
                if (!await _gate.WaitAsync(100, cancellationToken))
                {
                    Log("timed out");
                }

                try
                {
                    _count++;
                }
                finally
                {
                    _gate.{|BND1004:Release|}();
                }
            }
        """);

    [Fact]
    public Task ReleasedInTryAndInFinally() => Check("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    await SaveAsync(message.Id, cancellationToken);
                    _gate.Release();
                }
                finally
                {
                    _gate.{|BND1004:Release|}();
                }
            }
        """);

    [Fact]
    public Task ContinueSkipsTheRelease() => Check("""
            public async Task SaveAllAsync(IEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                foreach (var message in messages)
                {
                    await _gate.{|BND1004:WaitAsync|}(cancellationToken);
                    if (message.Body.Length == 0)
                    {
                        continue;
                    }

                    _count++;
                    _gate.Release();
                }
            }
        """);

    [Fact]
    public Task GotoSkipsTheRelease() => Check("""
            public void Add(int value)
            {
                _gate.{|BND1004:Wait|}();
                if (value < 0)
                {
                    goto done;
                }

                _count += value;
                _gate.Release();
            done:
                _count--;
            }
        """);

    [Fact]
    public Task SwitchCaseReturnsWithoutRelease() => Check("""
            public async Task<string> DescribeAsync(int kind, CancellationToken cancellationToken)
            {
                await _gate.{|BND1004:WaitAsync|}(cancellationToken);
                switch (kind)
                {
                    case 0:
                        return "none";
                    default:
                        _count = kind;
                        break;
                }

                _gate.Release();
                return "some";
            }
        """);

    [Fact]
    public Task UsingBlockBetweenWaitAndRelease() => Check("""
            public async Task AppendAsync(string path, string line, CancellationToken cancellationToken)
            {
                await _gate.{|BND1004:WaitAsync|}(cancellationToken);
                using (var writer = File.AppendText(path))
                {
                    await writer.WriteLineAsync(line);
                }

                _gate.Release();
            }
        """);

    [Fact]
    public Task ThrowBetweenWaitAndRelease() => Check("""
            public void Take(int amount)
            {
                _gate.{|BND1004:Wait|}();
                if (amount > _count)
                {
                    throw new InvalidOperationException("not enough");
                }

                _count -= amount;
                _gate.Release();
            }
        """);

    [Fact]
    public Task WaitInsideTheTryOfATaskRunLambda() => Check("""
            public Task StartAsync(Message message, CancellationToken cancellationToken) => Task.Run(async () =>
            {
                try
                {
                    await _gate.{|BND1004:WaitAsync|}(cancellationToken);
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    _gate.Release();
                }
            });
        """);

    [Fact]
    public Task WaitInsideTheTryOfALocalFunction() => Check("""
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                await StepAsync();

                async Task StepAsync()
                {
                    try
                    {
                        await _gate.{|BND1004:WaitAsync|}(cancellationToken);
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
    public Task TimedWaitWithTokenIgnored() => Check("""
            public void Poll(CancellationToken cancellationToken)
            {
                _gate.{|BND1004:Wait|}(0, cancellationToken);
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

    // Released in the try and again in the finally: two slots given back for one wait.
    [Fact]
    public Task ReleaseInTheTryAndInTheFinallyIsReleasedTwice() => Check("""
            public async Task CountAsync(CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    _count++;
                    _gate.Release();
                }
                finally
                {
                    _gate.{|#0:Release|}();
                }
            }
        """, new DiagnosticResult(RuleIds.SemaphoreMisuse, DiagnosticSeverity.Info).WithLocation(0)
            .WithMessage("'_gate' can be released twice for one wait; release it once, in a finally block"));

    // A wait with a token can be cancelled in a later iteration: its finally then releases the slot the previous
    // iteration already gave back.
    [Fact]
    public Task WaitThatCanFailInsideTheTryOfALoopIsReleasedTwice() => Check("""
            public async Task CleanUpAsync(CancellationToken cancellationToken)
            {
                while (_count < 100)
                {
                    try
                    {
                        try
                        {
                            await _gate.{|#1:WaitAsync|}(cancellationToken);
                            _count++;
                        }
                        finally
                        {
                            _gate.{|#0:Release|}();
                        }
                    }
                    catch (Exception e)
                    {
                        Log(e.Message);
                    }
                }
            }
        """,
        new DiagnosticResult(RuleIds.SemaphoreMisuse, DiagnosticSeverity.Info).WithLocation(1)
            .WithMessage("'_gate.WaitAsync' is inside the try whose finally releases '_gate': if the wait throws or is cancelled, the finally releases a slot that was never taken; wait before the try"),
        new DiagnosticResult(RuleIds.SemaphoreMisuse, DiagnosticSeverity.Info).WithLocation(0)
            .WithMessage("'_gate' can be released twice for one wait; release it once, in a finally block"));
    // Evidence by default: a path that needs no exception. A release skipped only when a call throws is reported with
    // bounded.report_exception_paths = true (the tests above turn it on).
    [Fact]
    public Task ByDefaultOnlyPathsWithoutAnExceptionAreReported() => Verify.AnalyzerAsync<SemaphoreMisuseAnalyzer>(MemorySources.Wrap("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken);
                await SaveAsync(message.Id, cancellationToken);
                _gate.Release();
            }

            public async Task<bool> TrySaveAsync(Message message, CancellationToken cancellationToken)
            {
                await _gate.{|#0:WaitAsync|}(cancellationToken);
                if (message.Id.Length == 0)
                {
                    return false;
                }

                await SaveAsync(message.Id, cancellationToken);
                {|#1:_gate.Release()|};
                return true;
            }

            public void Touch()
            {
                _gate.{|#2:Wait|}(100);
                try
                {
                    _count++;
                }
                finally
                {
                    _gate.Release();
                }
            }
        """),
        new DiagnosticResult(RuleIds.SemaphoreMisuse, DiagnosticSeverity.Info).WithLocation(0).WithLocation(1)
            .WithMessage("'_gate.WaitAsync' is not followed by '_gate.Release()' on every path; release it in a finally block"),
        new DiagnosticResult(RuleIds.SemaphoreMisuse, DiagnosticSeverity.Info).WithLocation(2)
            .WithMessage("The bool returned by '_gate.Wait' is ignored: when the wait times out the code runs without a slot and still releases one; check it, and skip the work or throw when it is false"));
}
