using System.Threading.Tasks;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Bounded.Analyzers.Tests.Rules.Memory;
using Bounded.CodeFixes.Concurrency;
using Bounded.CodeFixes.Memory;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

public class BND1004FixTests
{
    private static Task Fix(string source, string fixedSource, string key) =>
        Verify.FixAsync<SemaphoreMisuseAnalyzer, SemaphoreMisuseCodeFixProvider>(MemorySources.Wrap(source), MemorySources.Wrap(fixedSource), key, MemorySources.ExceptionPaths);

    [Fact]
    public Task MovesTheWaitBeforeTheTry() => Fix("""
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
        """, """
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
        """, SemaphoreMisuseCodeFixProvider.FixKey);

    [Fact]
    public Task MovesASyncWaitWithConfigureAwaitBeforeTheTry() => Fix("""
            public async Task<string> FetchAsync(string url, CancellationToken cancellationToken)
            {
                Log(url);
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
        """, """
            public async Task<string> FetchAsync(string url, CancellationToken cancellationToken)
            {
                Log(url);
                await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return await _http.GetStringAsync(url, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _gate.Release();
                }
            }

            public void Increment(CancellationToken cancellationToken)
            {
                _gate.Wait(cancellationToken);
                try
                {
                    _count++;
                }
                finally
                {
                    _gate.Release();
                }
            }
        """, SemaphoreMisuseCodeFixProvider.FixKey);

    /// <summary>An early return between the wait and an existing try/finally skips the release: it moves into the try.</summary>
    [Fact]
    public Task EarlyReturnBeforeTheTryMovesIntoIt() => Fix("""
            public async Task SendAsync(Message message, CancellationToken cancellationToken)
            {
                await _gate.{|BND1004:WaitAsync|}(cancellationToken);
                if (message.Body.Length == 0)
                {
                    return;
                }

                try
                {
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    _gate.Release();
                }
            }
        """, """
            public async Task SendAsync(Message message, CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    if (message.Body.Length == 0)
                    {
                        return;
                    }

                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    _gate.Release();
                }
            }
        """, SemaphoreMisuseCodeFixProvider.FixKey);

    /// <summary>No fix when a local declared before the try is read in its finally: moving it would put it out of scope.</summary>
    [Fact]
    public Task NoMoveIntoTheTryWhenTheFinallyReadsALocalDeclaredBefore() => Verify.NoFixAsync<SemaphoreMisuseAnalyzer, SemaphoreMisuseCodeFixProvider>(MemorySources.Wrap("""
            public async Task SendAsync(Message message, CancellationToken cancellationToken)
            {
                await _gate.{|BND1004:WaitAsync|}(cancellationToken);
                var id = message.Id;
                if (id.Length == 0)
                {
                    return;
                }

                try
                {
                    await SaveAsync(id, cancellationToken);
                }
                finally
                {
                    Log("saved " + id);
                    _gate.Release();
                }
            }
        """));

    [Fact]
    public Task MovesTheReleaseIntoFinally() => Fix("""
            public async Task SaveAllAsync(IEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                foreach (var message in messages)
                {
                    await _gate.{|BND1004:WaitAsync|}(cancellationToken);
                    await SaveAsync(message.Id, cancellationToken);
                    _gate.Release();
                }
            }
        """, """
            public async Task SaveAllAsync(IEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                foreach (var message in messages)
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
            }
        """, SemaphoreMisuseCodeFixProvider.FixKey);

    [Fact]
    public Task EarlyReturnAndThrowPathsReleaseAfterTheFix() => Fix("""
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

            public void Take(int amount)
            {
                s_lock.{|BND1004:Wait|}();
                if (amount > _count)
                {
                    throw new InvalidOperationException("not enough");
                }

                _count -= amount;
                s_lock.Release();
                Log("taken");
            }
        """, """
            public async Task AddAsync(CancellationToken cancellationToken)
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    if (_count > 10)
                    {
                        return;
                    }

                    _count++;
                }
                finally
                {
                    _gate.Release();
                }
            }

            public void Take(int amount)
            {
                s_lock.Wait();
                try
                {
                    if (amount > _count)
                    {
                        throw new InvalidOperationException("not enough");
                    }

                    _count -= amount;
                }
                finally
                {
                    s_lock.Release();
                }

                Log("taken");
            }
        """, SemaphoreMisuseCodeFixProvider.FixKey);

    [Fact]
    public Task NoFixWhenTheTryHasACatch() => Verify.NoFixAsync<SemaphoreMisuseAnalyzer, SemaphoreMisuseCodeFixProvider>(MemorySources.Wrap("""
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
        """));

    private static readonly string Default = Bounded.CodeFixes.BoundedCodeFixProvider.DefaultKey(RuleIds.SemaphoreMisuse);

    [Fact]
    public Task AnIgnoredTimeoutThrows() => Fix("""
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
        """, """
            public void Update()
            {
                if (!_gate.Wait(100))
                {
                    throw new TimeoutException();
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
        """, Default);

    [Fact]
    public Task AnIgnoredAsyncTimeoutThrowsAndKeepsConfigureAwait() => Fix("""
            public async Task UpdateAsync(CancellationToken cancellationToken)
            {
                // one writer at a time
                await _gate.{|BND1004:WaitAsync|}(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                try
                {
                    await SaveAsync("x", cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _gate.Release();
                }
            }
        """, """
            public async Task UpdateAsync(CancellationToken cancellationToken)
            {
                // one writer at a time
                if (!await _gate.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false))
                {
                    throw new TimeoutException();
                }

                try
                {
                    await SaveAsync("x", cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _gate.Release();
                }
            }
        """, Default);

    /// <summary>Inside a try the thrown timeout would reach a catch or finally that may release the slot it never took.</summary>
    [Fact]
    public Task NoTimeoutFixInsideATry() => Verify.NoFixAsync<SemaphoreMisuseAnalyzer, SemaphoreMisuseCodeFixProvider>(MemorySources.Wrap("""
            public void Update()
            {
                try
                {
                    _gate.{|BND1004:Wait|}(100);
                    _count++;
                    _gate.Release();
                }
                catch (InvalidOperationException exception)
                {
                    Log(exception.Message);
                }
            }
        """));
}
