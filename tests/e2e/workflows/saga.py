"""Trip booking saga: book flight, hotel, car; on a failure undo what was booked, in reverse order."""
import pyawssfn as sfn


class BookingFailed(Exception):
    pass


def book_flight(trip_id):
    return {"kind": "flight", "ref": f"FL-{trip_id}"}


def book_hotel(trip_id, nights):
    if nights > 14:
        raise BookingFailed(f"no hotel for {nights} nights")
    return {"kind": "hotel", "ref": f"HO-{trip_id}"}


def book_car(trip_id, car):
    if car == "tank":
        raise BookingFailed("no tanks for rent")
    return {"kind": "car", "ref": f"CA-{trip_id}"}


def cancel(ref):
    return {"cancelled": ref}


def audit(trip_id, outcome):
    return {"trip": trip_id, "outcome": outcome}


@sfn.workflow
def book_trip(trip_id, nights=2, car="compact"):
    booked = []
    outcome = "started"
    try:
        flight = book_flight(trip_id)
        booked.append(flight["ref"])
        hotel = book_hotel(trip_id, nights)
        booked.append(hotel["ref"])
        if car is not None:
            c = book_car(trip_id, car)
            booked.append(c["ref"])
        outcome = "booked"
    except BookingFailed as e:
        cancelled = []
        for ref in booked[::-1]:
            r = cancel(ref)
            cancelled.append(r["cancelled"])
        outcome = "rolled back"
        raise sfn.Fail("TripFailed", f"{e}; cancelled {', '.join(cancelled)}")
    finally:
        audit(trip_id, outcome)
    return {"trip": trip_id, "booked": booked}
