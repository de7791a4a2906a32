// Relays outbox rows to the broker. The loop hands the stopping token to the database call, but the catch that keeps
// the relay alive through broker outages also swallows the cancellation, and the back-off ignores the token: on
// shutdown the loop logs "relay failed" and goes round again until the host gives up on it.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Corpus.Workers.Outbox
{
    public sealed record OutboxRow(long Id, string Topic, byte[] Payload);

    public interface IOutboxStore
    {
        Task<IReadOnlyList<OutboxRow>> NextBatchAsync(int size, CancellationToken cancellationToken);

        Task MarkSentAsync(long id, CancellationToken cancellationToken);
    }

    public interface IBrokerPublisher
    {
        Task PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken);
    }

    public sealed class OutboxRelay : BackgroundService
    {
        private readonly IOutboxStore _store;
        private readonly IBrokerPublisher _publisher;
        private readonly ILogger<OutboxRelay> _logger;

        public OutboxRelay(IOutboxStore store, IBrokerPublisher publisher, ILogger<OutboxRelay> logger)
        {
            _store = store;
            _publisher = publisher;
            _logger = logger;
        }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            while (true) // expect BND2002
            {
                try
                {
                    foreach (var row in await _store.NextBatchAsync(100, stoppingToken))
                    {
                        await _publisher.PublishAsync(row.Topic, row.Payload, stoppingToken);
                        await _store.MarkSentAsync(row.Id, stoppingToken);
                    }
                }
                catch (Exception exception)
                {
                    _logger.LogError(exception, "Outbox relay failed; retrying");
                }

                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    /// <summary>Not reported: the cancellation is let through the catch, so shutdown ends the loop.</summary>
    public sealed class StoppableOutboxRelay : BackgroundService
    {
        private readonly IOutboxStore _store;
        private readonly ILogger<StoppableOutboxRelay> _logger;

        public StoppableOutboxRelay(IOutboxStore store, ILogger<StoppableOutboxRelay> logger)
        {
            _store = store;
            _logger = logger;
        }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            while (true)
            {
                try
                {
                    foreach (var row in await _store.NextBatchAsync(100, stoppingToken))
                    {
                        await _store.MarkSentAsync(row.Id, stoppingToken);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    _logger.LogError(exception, "Outbox relay failed; retrying");
                }

                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }
}
