// A per-key refresh gate for a read-through cache: one SemaphoreSlim per key, picked from a dictionary. The gate is
// looked up inside the try and released under a null test, which is not a record of the slot being taken.
using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Corpus.Caching.Keyed
{
    public interface IPriceSource
    {
        Task<decimal> LoadAsync(string sku, CancellationToken cancellationToken);
    }

    public sealed class KeyedPriceCache
    {
        private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, decimal> _prices = new(StringComparer.Ordinal);
        private readonly IPriceSource _source;
        private readonly ILogger<KeyedPriceCache> _logger;

        public KeyedPriceCache(IPriceSource source, ILogger<KeyedPriceCache> logger)
        {
            _source = source;
            _logger = logger;
        }

        private SemaphoreSlim GateFor(string sku) => _gates.GetOrAdd(sku, _ => new SemaphoreSlim(1, 1));

        public async Task<decimal> GetAsync(string sku, CancellationToken cancellationToken)
        {
            if (_prices.TryGetValue(sku, out var cached))
            {
                return cached;
            }

            SemaphoreSlim? gate = null;
            try
            {
                gate = GateFor(sku);
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false); // expect BND1004
                if (_prices.TryGetValue(sku, out cached))
                {
                    return cached;
                }

                var price = await _source.LoadAsync(sku, cancellationToken).ConfigureAwait(false);
                _prices[sku] = price;
                return price;
            }
            finally
            {
                gate?.Release();
            }
        }

        public void Invalidate(string sku, CancellationToken cancellationToken)
        {
            SemaphoreSlim? gate = null;
            try
            {
                gate = GateFor(sku);
                gate.Wait(cancellationToken); // expect BND1004
                _prices.TryRemove(sku, out _);
            }
            finally
            {
                if (gate != null)
                {
                    gate.Release();
                }
            }
        }

        // Not reported: the gate is waited for before the try; the null test only skips a missing gate.
        public async Task RefreshAsync(string sku, CancellationToken cancellationToken)
        {
            var gate = GateFor(sku);
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                _prices[sku] = await _source.LoadAsync(sku, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate?.Release();
            }
        }

        // Not reported: the reference is kept only once the wait succeeded, so its null test is a taken flag.
        public async Task WarmAsync(string sku, CancellationToken cancellationToken)
        {
            SemaphoreSlim? held = null;
            var gate = GateFor(sku);
            try
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                held = gate;
                _prices[sku] = await _source.LoadAsync(sku, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _logger.LogDebug("Warm-up of {Sku} cancelled", sku);
            }
            finally
            {
                held?.Release();
            }
        }
    }
}
