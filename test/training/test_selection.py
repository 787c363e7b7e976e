import pytest

from training.engine.selection import EpochSelector


def run(selector, accuracies, losses=None):
    losses = losses or [1.0] * len(accuracies)
    kept = []
    for epoch, (a, loss) in enumerate(zip(accuracies, losses, strict=True), start=1):
        found = selector.observe(epoch, a, loss, f"weights{epoch}")
        kept += [found] if found else []
    found = selector.finish()
    return kept + ([found] if found else [])


def test_a_lucky_spike_between_poor_epochs_is_not_kept():
    kept = run(EpochSelector(1), [0.5, 0.6, 1.0, 0.4, 0.8, 0.9, 0.92, 0.91, 0.85])
    assert kept[-1] == (7, "weights7")  # mean 0.91 around epoch 7 beats 0.67 around the spike at 3
    assert run(EpochSelector(0), [0.5, 0.6, 1.0, 0.4, 0.8])[-1] == (3, "weights3")  # radius 0: the spike


def test_ties_go_to_the_lower_loss_then_the_earlier_epoch():
    # mean losses around epochs 1..5: 0.45, 0.4, 0.33, 0.3, 0.3: epoch 4 ties epoch 5 and comes first
    assert run(EpochSelector(1), [1.0] * 5, [0.5, 0.4, 0.3, 0.3, 0.3])[-1][0] == 4
    assert run(EpochSelector(0), [1.0, 1.0, 1.0])[-1][0] == 1


def test_the_last_epoch_is_scored_with_the_neighbour_it_has():
    assert run(EpochSelector(1), [0.1, 0.2, 0.9, 0.95])[-1][0] == 4  # (0.9 + 0.95) / 2 beats 0.68


def test_a_resumed_selector_continues_as_if_never_stopped():
    accuracies, losses = [0.3, 0.8, 0.7, 0.9, 0.85, 0.2], [1.0, 0.6, 0.7, 0.5, 0.6, 2.0]
    whole = run(EpochSelector(2), accuracies, losses)[-1]
    first = EpochSelector(2)
    for epoch in range(1, 4):
        first.observe(epoch, accuracies[epoch - 1], losses[epoch - 1], f"weights{epoch}")
    resumed = EpochSelector(0)
    resumed.load_state_dict(first.state_dict(), dict(first.pending))
    for epoch in range(4, 7):
        resumed.observe(epoch, accuracies[epoch - 1], losses[epoch - 1], f"weights{epoch}")
    resumed.finish()
    assert (resumed.best_epoch, f"weights{resumed.best_epoch}") == whole


def test_a_negative_radius_is_refused():
    with pytest.raises(ValueError, match="radius"):
        EpochSelector(-1)
