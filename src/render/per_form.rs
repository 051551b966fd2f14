//! What is made from a form alone (a table's grid, the workbook's skeleton, the data files'
//! labels and columns), made once per form and process and shared by every year that uses the
//! form. The forms are the templates' own (`definition::Template`: a handful per process, built
//! once), so a cache keyed by them stays as small as the templates.

use std::sync::{Arc, Mutex};

use crate::definition::Form;

/// One value: the form it was made from, what else it depends on, the value.
type Entry<K, V> = (Arc<Form>, K, Arc<V>);

/// Values of type `V` made once per form and `K` (what else they depend on).
pub(crate) struct PerForm<K, V> {
    entries: Mutex<Vec<Entry<K, V>>>,
}

impl<K: PartialEq, V> PerForm<K, V> {
    pub(crate) const fn new() -> Self {
        PerForm {
            entries: Mutex::new(Vec::new()),
        }
    }

    /// The value for `form` and `key`, made by `make` the first time (outside the lock, so that
    /// one slow value does not hold up the others; two threads may both make it, one is kept).
    pub(crate) fn get_or_try<E>(
        &self,
        form: &Arc<Form>,
        key: K,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        if let Some(found) = self.find(form, &key) {
            return Ok(found);
        }
        let made = Arc::new(make()?);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, _, kept)) = entries
            .iter()
            .find(|(f, k, _)| Arc::ptr_eq(f, form) && *k == key)
        {
            return Ok(kept.clone());
        }
        entries.push((form.clone(), key, made.clone()));
        Ok(made)
    }

    /// `get_or_try` for a value whose making cannot fail.
    pub(crate) fn get(&self, form: &Arc<Form>, key: K, make: impl FnOnce() -> V) -> Arc<V> {
        match self.get_or_try(form, key, || Ok::<V, std::convert::Infallible>(make())) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    fn find(&self, form: &Arc<Form>, key: &K) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .iter()
            .find(|(f, k, _)| Arc::ptr_eq(f, form) && k == key)
            .map(|(_, _, v)| v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::TemplateId;

    #[test]
    fn a_value_is_made_once_per_form_and_key() {
        let cache: PerForm<usize, String> = PerForm::new();
        let form = TemplateId::F2021.get().form.clone();
        let other = TemplateId::F2019.get().form.clone();
        let mut made = 0;
        let mut get = |form: &Arc<Form>, key| {
            cache.get(form, key, || {
                made += 1;
                format!("{key}")
            })
        };
        let first = get(&form, 1);
        assert!(Arc::ptr_eq(&first, &get(&form, 1)));
        get(&form, 2);
        get(&other, 1);
        assert_eq!(made, 3);
        let failed: Result<_, &str> = cache.get_or_try(&form, 9, || Err("no"));
        assert_eq!(failed.unwrap_err(), "no");
    }
}
