// A message consumer: a broker subscription, an in-process dispatch queue, retries with timeouts,
// per-message deserialisation and acknowledgement.
using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Corpus.Messaging
{
    public sealed record Envelope(string MessageId, string Type, ReadOnlyMemory<byte> Body, IReadOnlyDictionary<string, string> Headers);

    public sealed record OrderPlaced(Guid OrderId, string CustomerId, decimal Total);

    public interface IBrokerConnection
    {
        Task<Envelope?> ReceiveAsync(CancellationToken cancellationToken = default);

        Task AckAsync(string messageId, CancellationToken cancellationToken = default);

        Task NackAsync(string messageId, bool requeue, CancellationToken cancellationToken = default);

        event EventHandler<Envelope>? Delivered;
    }

    public interface IEnvelopeHandler
    {
        Task HandleAsync(Envelope envelope, CancellationToken cancellationToken = default);
    }

    /// <summary>Consumes from the broker, dispatches through a bounded channel to a fixed set of workers.</summary>
    public sealed class BrokerConsumer : BackgroundService
    {
        private readonly IBrokerConnection _connection;
        private readonly IEnvelopeHandler _handler;
        private readonly ILogger<BrokerConsumer> _logger;
        private readonly Channel<Envelope> _dispatch = Channel.CreateBounded<Envelope>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.Wait });

        public BrokerConsumer(IBrokerConnection connection, IEnvelopeHandler handler, ILogger<BrokerConsumer> logger)
        {
            _connection = connection;
            _handler = handler;
            _logger = logger;
        }

        // Not reported: the receive loop observes the token; workers are a fixed pool.
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var workers = new Task[Environment.ProcessorCount];
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = Task.Run(() => WorkAsync(stoppingToken), stoppingToken);
            }

            try
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    var envelope = await _connection.ReceiveAsync(stoppingToken);
                    if (envelope is not null)
                    {
                        await _dispatch.Writer.WriteAsync(envelope, stoppingToken);
                    }
                }
            }
            finally
            {
                _dispatch.Writer.TryComplete();
                await Task.WhenAll(workers);
            }
        }

        private async Task WorkAsync(CancellationToken cancellationToken)
        {
            await foreach (var envelope in _dispatch.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    await _handler.HandleAsync(envelope, cancellationToken);
                    await _connection.AckAsync(envelope.MessageId, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    _logger.LogError(exception, "Handling {MessageId} failed", envelope.MessageId);
                    await _connection.NackAsync(envelope.MessageId, requeue: true, cancellationToken);
                }
            }
        }
    }

    /// <summary>The naive consumer the team started with.</summary>
    public sealed class NaiveConsumer
    {
        private readonly IBrokerConnection _connection;
        private readonly IEnvelopeHandler _handler;
        private readonly ILogger _logger;

        public NaiveConsumer(IBrokerConnection connection, IEnvelopeHandler handler, ILogger logger)
        {
            _connection = connection;
            _handler = handler;
            _logger = logger;
        }

        // Positive: a task per received message, without a limit, and the loop never observes the token.
        public async Task ConsumeAsync(CancellationToken cancellationToken)
        {
            while (true) // expect BND2002
            {
                var envelope = await _connection.ReceiveAsync();
                if (envelope is null)
                {
                    continue;
                }

                _ = Task.Run(() => _handler.HandleAsync(envelope, cancellationToken), cancellationToken); // expect BND1001
            }
        }

        // Positive: a batch of received messages handled all at once.
        public async Task HandleBatchAsync(IReadOnlyList<Envelope> batch, CancellationToken cancellationToken)
        {
            await Task.WhenAll(batch.Select(envelope => _handler.HandleAsync(envelope, cancellationToken))); // expect BND1002
            foreach (var envelope in batch)
            {
                await _connection.AckAsync(envelope.MessageId, cancellationToken);
            }
        }

        // Not reported: two envelopes, a constant-length array, awaited together.
        public async Task HandlePairAsync(Envelope first, Envelope second, CancellationToken cancellationToken)
        {
            await Task.WhenAll(new[] { first, second }.Select(envelope => _handler.HandleAsync(envelope, cancellationToken)));
        }

        // Not reported: the event handler starts short detached work, and no token is anywhere in its design
        // (bounded.bnd2001.report_tokenless_work = true reports it).
        public void Subscribe()
        {
            _connection.Delivered += (sender, envelope) =>
            {
                _ = _handler.HandleAsync(envelope);
            };
        }

        // Not reported: the event handler's work is tracked and awaited on shutdown.
        public void SubscribeTracked(ConcurrentBag<Task> inFlight, CancellationToken cancellationToken)
        {
            _connection.Delivered += (_, envelope) => inFlight.Add(_handler.HandleAsync(envelope, cancellationToken));
        }
    }

    /// <summary>An in-process event bus between modules.</summary>
    public sealed class InProcessBus : IDisposable
    {
        private readonly BlockingCollection<Envelope> _queue = new BlockingCollection<Envelope>(); // expect BND4001
        private readonly Channel<OrderPlaced> _orders = Channel.CreateUnbounded<OrderPlaced>(); // expect BND4001
        private readonly ActionBlock<Envelope> _audit;
        private readonly IEnvelopeHandler _handler;
        private readonly Thread _pump;

        public InProcessBus(IEnvelopeHandler handler, ILogger logger)
        {
            _handler = handler;
            _audit = new ActionBlock<Envelope>(e => logger.LogDebug("Audit {Id}", e.MessageId), new ExecutionDataflowBlockOptions { BoundedCapacity = 1000 });
            _pump = new Thread(Pump) { IsBackground = true, Name = "bus-pump" };
            _pump.Start();
        }

        public ChannelReader<OrderPlaced> Orders => _orders.Reader;

        public void Publish(Envelope envelope)
        {
            _queue.Add(envelope);
            _audit.Post(envelope);
        }

        public ValueTask PublishOrderAsync(OrderPlaced order, CancellationToken cancellationToken) => _orders.Writer.WriteAsync(order, cancellationToken);

        public void Dispose()
        {
            _queue.CompleteAdding();
            _pump.Join();
            _queue.Dispose();
        }

        private void Pump()
        {
            foreach (var envelope in _queue.GetConsumingEnumerable())
            {
                _handler.HandleAsync(envelope).GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>Deserialises message bodies.</summary>
    public static class EnvelopeSerializer
    {
        private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

        // Not reported: the JSON reader works on the envelope's own memory.
        public static OrderPlaced? ReadOrder(Envelope envelope) => JsonSerializer.Deserialize<OrderPlaced>(envelope.Body.Span, Options);

        // Positive: a copy of every body into a fresh array, per message of the batch.
        public static List<OrderPlaced> ReadOrders(IEnumerable<Envelope> batch)
        {
            var orders = new List<OrderPlaced>();
            foreach (var envelope in batch)
            {
                var copy = new byte[Math.Max(envelope.Body.Length, 1024)]; // expect BND3001
                envelope.Body.CopyTo(copy);
                var order = JsonSerializer.Deserialize<OrderPlaced>(copy.AsSpan(0, envelope.Body.Length), Options);
                if (order is not null)
                {
                    orders.Add(order);
                }
            }

            return orders;
        }

        // Not reported: one pooled buffer for the whole batch, grown when needed, returned in finally.
        public static List<OrderPlaced> ReadOrdersPooled(IEnumerable<Envelope> batch)
        {
            var orders = new List<OrderPlaced>();
            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                foreach (var envelope in batch)
                {
                    var length = envelope.Body.Length;
                    if (length > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(length);
                    }

                    envelope.Body.CopyTo(buffer);
                    if (JsonSerializer.Deserialize<OrderPlaced>(buffer.AsSpan(0, length), Options) is { } order)
                    {
                        orders.Add(order);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return orders;
        }

        // Positive: the JSON of the whole rented array includes stale bytes from earlier renters.
        public static OrderPlaced? ReadOrderPooledSloppy(Envelope envelope)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(envelope.Body.Length);
            try
            {
                envelope.Body.CopyTo(buffer);
                return JsonSerializer.Deserialize<OrderPlaced>(buffer.AsSpan(0, buffer.Length), Options); // expect BND3002
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Not reported: the serialized body is the produced data and is returned.
        public static byte[] Write(OrderPlaced order) => JsonSerializer.SerializeToUtf8Bytes(order, Options);

        // Not reported: the bodies are the data being produced.
        public static List<byte[]> WriteAll(IEnumerable<OrderPlaced> orders)
        {
            var bodies = new List<byte[]>();
            foreach (var order in orders)
            {
                var json = JsonSerializer.Serialize(order, Options);
                var body = new byte[Encoding.UTF8.GetByteCount(json)];
                Encoding.UTF8.GetBytes(json, body);
                bodies.Add(body);
            }

            return bodies;
        }
    }

    /// <summary>Retries with per-attempt timeouts.</summary>
    public sealed class RetryingHandler : IEnvelopeHandler
    {
        private readonly IEnvelopeHandler _inner;
        private readonly ILogger _logger;
        private readonly int _attempts;

        public RetryingHandler(IEnvelopeHandler inner, ILogger logger, int attempts = 3)
        {
            _inner = inner;
            _logger = logger;
            _attempts = attempts;
        }

        // Positive: a linked timeout source per attempt, never disposed.
        public async Task HandleAsync(Envelope envelope, CancellationToken cancellationToken = default)
        {
            for (var attempt = 1; ; attempt++)
            {
                var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken); // expect BND2003
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                try
                {
                    await _inner.HandleAsync(envelope, timeout.Token);
                    return;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && attempt < _attempts)
                {
                    _logger.LogWarning("Attempt {Attempt} for {Id} timed out", attempt, envelope.MessageId);
                }
            }
        }

        // Not reported: the same loop with the source disposed at the end of each attempt.
        public async Task HandleCarefullyAsync(Envelope envelope, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                try
                {
                    await _inner.HandleAsync(envelope, timeout.Token);
                    return;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && attempt < _attempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
                }
            }
        }
    }

    /// <summary>Dead-letter replay tooling.</summary>
    public sealed class DeadLetterReplayer
    {
        private readonly IEnvelopeHandler _handler;
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(8, 8);

        public DeadLetterReplayer(IEnvelopeHandler handler) => _handler = handler;

        // Not reported: each replay waits for the shared gate before it starts.
        public async Task ReplayAsync(IEnumerable<Envelope> deadLetters, CancellationToken cancellationToken)
        {
            var replays = new List<Task>();
            foreach (var envelope in deadLetters)
            {
                await _gate.WaitAsync(cancellationToken);
                replays.Add(ReplayOneAsync(envelope, cancellationToken));
            }

            await Task.WhenAll(replays);
        }

        // Positive: a replay per dead letter started with StartNew, never observed (BND1001). No BND2001: short work,
        // and no token anywhere in this code's design.
        public void ReplayDetached(IEnumerable<Envelope> deadLetters)
        {
            foreach (var envelope in deadLetters)
            {
                Task.Factory.StartNew(() => _handler.HandleAsync(envelope)); // expect BND1001
            }
        }

        // Not reported: replays one by one from an async stream.
        public async Task ReplayStreamAsync(IAsyncEnumerable<Envelope> deadLetters, CancellationToken cancellationToken)
        {
            await foreach (var envelope in deadLetters.WithCancellation(cancellationToken))
            {
                await _handler.HandleAsync(envelope, cancellationToken);
            }
        }

        // Positive: a Task.Run per element of an async stream.
        public async Task ReplayStreamDetachedAsync(IAsyncEnumerable<Envelope> deadLetters, CancellationToken cancellationToken)
        {
            var running = new List<Task>();
            await foreach (var envelope in deadLetters.WithCancellation(cancellationToken))
            {
                running.Add(Task.Run(() => _handler.HandleAsync(envelope, cancellationToken), cancellationToken)); // expect BND1001
            }

            await Task.WhenAll(running);
        }

        private async Task ReplayOneAsync(Envelope envelope, CancellationToken cancellationToken)
        {
            try
            {
                await _handler.HandleAsync(envelope, cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
